package dev.spool.impl.connect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Chooses the server each new connection goes to, among the hosts of a multi-host URL: the first that
 * answers, and with {@code target_session_attrs=read-write} the first that answers as writable
 * ({@code transaction_read_only} off), as libpq does. After a failover the old primary refuses
 * connections (or answers read-only) and the promoted standby answers writable, so pools reconnect to the
 * new primary by themselves.
 *
 * <p>A choice is checked with one probe connection, then reused for {@link #REUSE_MS} so that a pool
 * filling up does not probe once per connection; probes in flight are shared. The last good host is tried
 * first. A connection already open to a server that turns read-only without closing it is not moved: a
 * failover by stopping the primary closes every connection to it.
 */
public final class HostSelector {

  /** One server of the URL. */
  public record Host(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** How long a host found good is handed out without a new probe. */
  static final long REUSE_MS = 1_000;

  private final Vertx vertx;
  private final List<Host> hosts;
  private final boolean readWrite;
  private final String probeSql;
  private int preferred;
  private Future<Host> choice;
  private long chosenAt;

  /** @param probeSql a query whose one value is {@code on} on a read-only server ({@code show transaction_read_only}) */
  public HostSelector(Vertx vertx, ConnectUri uri, String probeSql) {
    this.vertx = vertx;
    this.hosts = uri.hosts();
    this.readWrite = uri.readWrite();
    this.probeSql = probeSql;
  }

  /** The options of each new connection: {@code options} (a service's own) aimed at the chosen host. */
  public Supplier<Future<SqlConnectOptions>> supplier(PgConnectOptions options) {
    PgConnectOptions own = new PgConnectOptions(options);
    return () -> choose(own).map(host -> new PgConnectOptions(own).setHost(host.host()).setPort(host.port()));
  }

  /** {@code options} aimed at the chosen host, for a connection made outside a pool (LISTEN). */
  public Future<PgConnectOptions> options(PgConnectOptions options) {
    PgConnectOptions own = new PgConnectOptions(options);
    return choose(own).map(host -> new PgConnectOptions(own).setHost(host.host()).setPort(host.port()));
  }

  /** The host chosen last (the first of the URL before any choice): where LISTEN connects first. */
  public synchronized Host current() {
    return hosts.get(preferred);
  }

  synchronized Future<Host> choose(PgConnectOptions options) {
    long now = System.nanoTime();
    if (choice != null && (!choice.isComplete() || (choice.succeeded() && now - chosenAt < REUSE_MS * 1_000_000))) {
      return choice;
    }
    chosenAt = now;
    List<String> refusals = new ArrayList<>();
    Future<Host> probe = probe(options, preferred, 0, refusals);
    choice = probe;
    probe.onComplete(ar -> {
      synchronized (this) {
        chosenAt = System.nanoTime();
      }
    });
    return probe;
  }

  /** Tries the hosts in turn, from {@code start}, until one will do; fails naming why each would not. */
  private Future<Host> probe(PgConnectOptions options, int start, int tried, List<String> refusals) {
    if (tried == hosts.size()) {
      return Future.failedFuture(new IllegalStateException("no " + (readWrite ? "writable " : "") + "PostgreSQL "
          + "server among the database URL's hosts: " + String.join("; ", refusals)));
    }
    int index = (start + tried) % hosts.size();
    Host host = hosts.get(index);
    PgConnectOptions aimed = new PgConnectOptions(options).setHost(host.host()).setPort(host.port());
    return PgConnection.connect(vertx, aimed)
        .compose(conn -> (readWrite ? conn.query(probeSql).execute().map(rows -> !"on".equals(rows.iterator().next().getString(0)))
            : Future.succeededFuture(true)).eventually(conn::close))
        .recover(e -> {
          refusals.add(host + ": " + e.getMessage());
          return Future.succeededFuture(false);
        })
        .compose(good -> {
          if (good) {
            synchronized (this) {
              preferred = index;
            }
            return Future.succeededFuture(host);
          }
          if (refusals.size() <= tried) {
            refusals.add(host + ": read-only (a standby)");
          }
          return probe(options, start, tried + 1, refusals);
        });
  }
}
