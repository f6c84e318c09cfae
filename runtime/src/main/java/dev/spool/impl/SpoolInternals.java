package dev.spool.impl;

import dev.spool.PeriodicJob;
import dev.spool.SpoolOptions;
import dev.spool.impl.connect.HostSelector;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;

/**
 * What one Spool's services share, kept behind the public {@code Spool}: its database, named SQL, stats
 * and settings. {@code Spool} builds it and hands it to the worker verticles and admins it creates.
 *
 * @param connectOptions how to connect (a copy is handed out, as services add properties of their own)
 * @param pool the client's pool, also used by the periodic scheduler
 * @param recycling whether a recycling limit of this Spool's workers has tripped
 * @param hosts chooses the server among the hosts of a multi-host URL; null for a URL of one host
 */
public record SpoolInternals(Vertx vertx, PgConnectOptions connectOptions, SpoolOptions options, Queries queries,
    Clock clock, String nodeId, Pool pool, List<PeriodicJob<?>> periodicJobs, Stats stats, SpoolListener listener,
    Recycling recycling, HostSelector hosts) {

  /**
   * Aims a client builder at the database with {@code options} (a copy from {@link #connectOptions()}, with
   * the service's own properties): the URL's one host, or each new connection at the host the selector
   * chooses (the primary, after a failover).
   */
  public <C> ClientBuilder<C> connect(ClientBuilder<C> builder, PgConnectOptions options) {
    return hosts == null ? builder.connectingTo(options) : builder.connectingTo(hosts.supplier(options));
  }

  /** {@code options} aimed at the host a new connection goes to now: the URL's one host, or the selector's choice. */
  public Future<PgConnectOptions> resolveConnectOptions() {
    return hosts == null ? Future.succeededFuture(connectOptions()) : hosts.options(connectOptions);
  }

  /** A copy of the connect options, for a service to add its own properties to. */
  @Override
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  /** The hooks a worker counts through: the stats, the builder's listener and {@code also} (its own tally). */
  public Stats.Recorder recorder(SpoolListener also) {
    return stats.recorder(SpoolListener.both(listener, also));
  }
}
