package dev.spool.loadtest;

import dev.spool.impl.claim.ClaimLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times the target's own claim statement once a second while the load runs, since pg_stat_statements is
 * rarely loaded: on a connection of its own, {@code EXPLAIN (ANALYZE, BUFFERS)} of the claim in a
 * transaction that it rolls back, so it takes no job (the rows it locks for those milliseconds the worker's
 * claims skip and take at their next claim). Each probe records the statement's execution time, the
 * client's round trip and the buffers the claim touched: the index pages of dead entries it walked past
 * show there.
 */
final class ClaimProbe {

  /** What one probe saw. */
  record Sample(long atMillis, double executionMs, double roundTripMs, long buffers, long rows) {}

  static final long INTERVAL_MS = 1_000;
  /**
   * How far below the claim's time a rising floor stays: the worker's (ClaimFrontier.DEFAULT_MARGIN_MS, not public),
   * the one second the floors of both probes stand back.
   */
  static final double MARGIN_MS = 1_000.0;

  private final Vertx vertx;
  private final String explainSql;
  private final java.util.function.Supplier<Tuple> params;
  private final List<Sample> samples = new ArrayList<>();
  private PgConnection connection;
  private long timer = -1;
  private boolean busy;
  private volatile String failure;

  /**
   * @param claimSql the claim statement as the target runs it
   * @param params   its parameters
   */
  ClaimProbe(Vertx vertx, String claimSql, Tuple params) {
    this(vertx, claimSql, () -> params);
  }

  /**
   * @param claimSql the claim statement as the target runs it
   * @param params   its parameters, read at each probe
   */
  ClaimProbe(Vertx vertx, String claimSql, java.util.function.Supplier<Tuple> params) {
    this.vertx = vertx;
    this.explainSql = "explain (analyze, buffers, format json) " + claimSql;
    this.params = params;
  }

  /**
   * The claim statement of Spool's worker for a probe of {@code batch} jobs: {@code ClaimJobsFrom} of claim.sql,
   * from a floor one second back on priority 0, where a worker's floor stands while it keeps up with a steady
   * load (its claims take all that is due, and each moves the floor to its time less a second).
   */
  static ClaimProbe spool(Vertx vertx, String schema, String task, int batch) {
    String claim = Checks.namedSql("dev/spool/sql/claim.sql", schema).get("ClaimJobsFrom");
    return new ClaimProbe(vertx, claim, () -> Tuple.of("default", new String[] {task}, batch, "horizon-probe",
        30_000.0, new Short[] {0}, new OffsetDateTime[] {OffsetDateTime.now().minusSeconds(1)}));
  }

  /**
   * The claim statement of Spool's worker on a fair queue for a probe of {@code batch} jobs: {@code ClaimJobsKeyedFrom}
   * of keyed.sql, without limits and not serial, on priority 0, every one of {@code keys} (sorted, as the worker's
   * KeyFrontier sends them) and the jobs without a key from a floor one second back, where the worker's floors stand
   * while it keeps up (as {@link #spool}: a key its claim read to the end of its due jobs gets floors at the claim's
   * time less the one-second margin). The claim also locks the queue's row of key_cursors, so the worker's
   * claims wait for a probe's few milliseconds, once a second; their own claims serialize on it the same way.
   */
  static ClaimProbe spoolKeyed(Vertx vertx, String schema, String task, int batch, String[] keys) {
    String claim = java.util.Objects.requireNonNull(
        Checks.namedSql("dev/spool/sql/keyed.sql", schema).get("ClaimJobsKeyedFrom"),
        "keyed.sql names no ClaimJobsKeyedFrom");
    return new ClaimProbe(vertx, claim, () -> {
      OffsetDateTime floor = OffsetDateTime.now().minusSeconds(1);
      OffsetDateTime[] keyFloors = new OffsetDateTime[keys.length];
      Arrays.fill(keyFloors, floor);
      Long[] keyIdFloors = new Long[keys.length];
      Arrays.fill(keyIdFloors, 0L);
      return Tuple.tuple().addValue("default").addValue(new String[] {task}).addValue(batch)
          .addValue("horizon-probe").addValue(30_000.0)
          // no queue concurrency, key concurrency or key rate limit: a fair queue's
          .addValue(null).addValue(null).addValue(null).addValue(null)
          .addValue(new String[0]).addValue(new Integer[0]).addValue((double) ClaimLimits.DEFAULT_RECHECK_MS)
          .addValue(new Short[] {0}).addValue(keys).addValue(keyFloors)
          .addValue(new OffsetDateTime[] {floor}).addValue(MARGIN_MS)
          // not serial (its hold on retry the default); so no key's id floor (0), as the worker sends them
          .addValue(false).addValue(true).addValue(keyIdFloors);
    });
  }

  /** The head scan of Spool's worker ({@code ClaimHead}), which reads what the claims no longer read. */
  static ClaimProbe spoolHead(Vertx vertx, String schema, String task) {
    String head = Checks.namedSql("dev/spool/sql/claim.sql", schema).get("ClaimHead");
    return new ClaimProbe(vertx, head, () -> Tuple.of("default", (Object) new String[] {task}));
  }

  Future<Void> start(String uri) {
    return PgConnection.connect(vertx, PgConnectOptions.fromUri(uri)
            .setProperties(Map.of("application_name", "horizon-probe")))
        .compose(c -> {
          connection = c;
          return probe();
        }).map(v -> {
          timer = vertx.setPeriodic(INTERVAL_MS, t -> {
            if (!busy) {
              probe();
            }
          });
          return null;
        });
  }

  private Future<Void> probe() {
    busy = true;
    long began = System.nanoTime();
    long at = System.currentTimeMillis();
    return connection.query("begin").execute()
        .compose(v -> connection.preparedQuery(explainSql).execute(params.get()))
        .compose(rows -> {
          double roundTrip = (System.nanoTime() - began) / 1e6;
          Object plan = rows.iterator().next().getValue(0);
          JsonObject top = (plan instanceof JsonArray a ? a : new JsonArray(plan.toString())).getJsonObject(0);
          JsonObject root = top.getJsonObject("Plan");
          long buffers = root.getLong("Shared Hit Blocks", 0L) + root.getLong("Shared Read Blocks", 0L);
          synchronized (samples) {
            samples.add(new Sample(at, top.getDouble("Execution Time"), roundTrip, buffers,
                root.getLong("Actual Rows", 0L)));
          }
          return connection.query("rollback").execute();
        })
        .recover(e -> {
          failure = e.getMessage();
          return connection.query("rollback").execute();
        })
        .onComplete(ar -> busy = false).mapEmpty();
  }

  /** The probes begun in {@code [fromMillis, toMillis)} (epoch milliseconds). */
  List<Sample> between(long fromMillis, long toMillis) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.atMillis() >= fromMillis && s.atMillis() < toMillis).toList();
    }
  }

  /** The last probe failure's message, or null. */
  String failure() {
    return failure;
  }

  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return connection == null ? Future.succeededFuture() : connection.close();
  }
}
