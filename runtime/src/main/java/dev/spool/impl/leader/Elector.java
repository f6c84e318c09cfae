package dev.spool.impl.leader;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Leader election on a lease row: every interval each candidate tries to take or renew the row, which
 * only succeeds for the holder or once the holder's lease has expired. A leader that dies is replaced
 * within one lease plus one interval (within about two intervals when its process died, because its
 * database session ends with it); a leader that cannot reach the database steps down at once, before
 * its lease could run out, so two leaders never act on the same lease.
 */
public final class Elector implements Service {

  private static final System.Logger LOG = System.getLogger(Elector.class.getName());

  /** The role of the node that runs maintenance (rescue, and later scheduling and pruning). */
  public static final String MAINTENANCE = "maintenance";

  private final Vertx vertx;
  private final SqlClient client;
  private final String electSql;
  private final String resignSql;
  private final String role;
  private final String candidate;
  private final long intervalMs;
  private final double ttlMs;
  private final Consumer<Boolean> onChange;
  private long timer = -1;
  private boolean leader;
  private boolean stopped;

  /**
   * @param onChange told {@code true} on becoming leader and {@code false} on stepping down
   */
  public Elector(Vertx vertx, SqlClient client, Queries queries, String role, String candidate, Duration interval,
      Duration ttl, Consumer<Boolean> onChange) {
    this.vertx = vertx;
    this.client = client;
    this.electSql = queries.get("Elect");
    this.resignSql = queries.get("Resign");
    this.role = role;
    this.candidate = candidate;
    this.intervalMs = interval.toMillis();
    this.ttlMs = ttl.toMillis();
    this.onChange = onChange;
  }

  /** Stands for election now and every interval; leadership comes later, through {@code onChange}. */
  @Override
  public Future<Void> start() {
    attempt();
    timer = vertx.setPeriodic(intervalMs, t -> attempt());
    return Future.succeededFuture();
  }

  public boolean isLeader() {
    return leader;
  }

  private void attempt() {
    // A holder silent for two intervals whose session is gone has died: take over without waiting out its TTL.
    client.preparedQuery(electSql).execute(Tuple.of(role, candidate, ttlMs, 2.0 * intervalMs)).onComplete(ar -> {
      if (stopped) {
        return;
      }
      boolean nowLeader = ar.succeeded() && ar.result().size() == 1;
      if (nowLeader != leader) {
        leader = nowLeader;
        LOG.log(System.Logger.Level.INFO, "{0} {1} {2}", candidate, nowLeader ? "is now leader of" : "stepped down from",
            role);
        onChange.accept(nowLeader);
      }
    });
  }

  /** Stops campaigning and frees the role at once when held, so the next leader need not wait for the TTL. */
  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (!leader) {
      return Future.succeededFuture();
    }
    leader = false;
    onChange.accept(false);
    return client.preparedQuery(resignSql).execute(Tuple.of(role, candidate)).mapEmpty();
  }
}
