package dev.spool.impl.maintenance;

import dev.spool.impl.stats.Stats;
import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Runs on the leader only. Every interval it forgets workers whose heartbeat is older than the worker
 * timeout, then takes back running jobs whose worker is gone or whose lease expired: available again
 * (the attempt counted), dead when attempts are used up, cancelled when a cancel was requested. The
 * queues of rescued jobs are notified, so idle workers pick them up at once.
 *
 * <p>A full pass ({@code RescueJobs}) reads the partial index of running jobs from its start. Under a long
 * transaction elsewhere that index keeps an entry for every job claimed since, and a pass read them all: 0.66 s
 * a second after a million jobs. So between full passes it reads only the leases that ran out since the last
 * pass began, less {@link #LEASE_MARGIN} ({@code RescueJobsSince}), and a full pass waits
 * {@link #FULL_PASS_SHARE} times the last one's duration, or follows a reaping (the jobs of a worker gone have
 * leases that may still run): with a clean index every pass is a full one, as before.
 */
public final class Rescuer implements Service {

  private static final System.Logger LOG = System.getLogger(Rescuer.class.getName());
  /** Jobs rescued per statement; a larger backlog is taken in several statements at once. */
  public static final int BATCH = 1000;
  /** How far before the last pass's start the passes between full ones read leases from. */
  static final Duration LEASE_MARGIN = Duration.ofSeconds(5);
  /** A full pass waits this many times the last one's duration after it. */
  static final int FULL_PASS_SHARE = 20;

  private final Ticker ticker;
  private final SqlClient client;
  private final String reapSql;
  private final String rescueSql;
  private final String rescueSinceSql;
  private final String sweepSql;
  private final long intervalMs;
  private final double workerTimeoutMs;
  private final double sessionGraceMs;
  private final Stats.Recorder stats;
  private boolean running;
  private final LongSupplier nanoTime;
  /** When the last pass that ended well began (any, once passes > 0): the passes between full ones read from there. */
  private long lastPassNanos;
  private long nextFullPassNanos;
  private long passes;
  private long fullPasses;

  /**
   * @param heartbeatInterval workers whose database session is gone are reaped once they have missed two
   *                          heartbeats, well before the worker timeout
   */
  public Rescuer(Vertx vertx, SqlClient client, Queries queries, Duration interval, Duration workerTimeout,
      Duration heartbeatInterval, Stats.Recorder stats) {
    this(vertx, client, queries, interval, workerTimeout, heartbeatInterval, stats, System::nanoTime);
  }

  /** With the clock full passes are timed by (a test's). */
  Rescuer(Vertx vertx, SqlClient client, Queries queries, Duration interval, Duration workerTimeout,
      Duration heartbeatInterval, Stats.Recorder stats, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.ticker = new Ticker(vertx);
    this.client = client;
    this.reapSql = queries.get("ReapWorkers");
    this.rescueSql = queries.get("RescueJobs");
    this.rescueSinceSql = queries.get("RescueJobsSince");
    this.sweepSql = queries.get("SweepWorkflows");
    this.intervalMs = interval.toMillis();
    this.workerTimeoutMs = workerTimeout.toMillis();
    this.sessionGraceMs = 2.0 * heartbeatInterval.toMillis();
    this.stats = stats;
  }

  @Override
  public Future<Void> start() {
    ticker.start(intervalMs, this::runOnce);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }

  /** One pass; completes with the number of jobs taken back. Passes never overlap. */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    long start = nanoTime.getAsLong();
    boolean[] full = {passes == 0 || start - nextFullPassNanos >= 0};
    return client.preparedQuery(reapSql).execute(Tuple.of(workerTimeoutMs, sessionGraceMs))
        .onSuccess(reaped -> reaped.forEach(row -> LOG.log(System.Logger.Level.WARNING,
            "worker {0} stopped heartbeating; its jobs will be rescued", row.getString(0))))
        .compose(reaped -> {
          // the jobs of a worker just reaped have leases that may run for a while yet: only a full pass finds them
          full[0] |= reaped.size() > 0;
          return rescue(0, full[0] ? null
              : Tuple.of(BATCH, (double) ((start - lastPassNanos) / 1_000_000 + LEASE_MARGIN.toMillis())));
        })
        .onSuccess(rescued -> passed(start, full[0]))
        // then tell the dependents and awaiters of jobs that ended some other way than an ack (a rescue, a
        // cancel, a retry that ended cancelled): two probes of indexes that are almost always empty
        .compose(rescued -> client.preparedQuery(sweepSql).execute(Tuple.of(BATCH)).map(rescued))
        .onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "rescue pass failed: {0}", ar.cause().toString());
          }
        });
  }

  /** A pass that began at {@code start} took every lease it was to take. */
  private void passed(long start, boolean full) {
    long end = nanoTime.getAsLong();
    passes++;
    if (full) {
      fullPasses++;
      nextFullPassNanos = end + FULL_PASS_SHARE * (end - start);
    }
    lastPassNanos = start;
  }

  /** Passes that ended well (a test signal). */
  long passes() {
    return passes;
  }

  /** Of {@link #passes()}, those that read every running job's lease. */
  long fullPasses() {
    return fullPasses;
  }

  /** Rescues in batches: of all running jobs, or with {@code since} of the leases that ran out lately. */
  private Future<Integer> rescue(int sofar, Tuple since) {
    Future<RowSet<Row>> statement = since == null ? client.preparedQuery(rescueSql).execute(Tuple.of(BATCH))
        : client.preparedQuery(rescueSinceSql).execute(since);
    return statement.compose(rows -> {
      if (rows.size() > 0) {
        Map<String, Integer> byOutcome = new TreeMap<>();
        for (Row row : rows) {
          byOutcome.merge(row.getString("queue") + "\u0000" + row.getString("state"), 1, Integer::sum);
        }
        byOutcome.forEach((key, n) -> {
          String[] queueAndState = key.split("\u0000");
          LOG.log(System.Logger.Level.WARNING, "rescued {0} jobs of queue {1} from dead workers or expired leases: now {2}",
              n, queueAndState[0], queueAndState[1]);
          stats.rescued(queueAndState[0], queueAndState[1], n);
        });
      }
      return rows.size() == BATCH ? rescue(sofar + rows.size(), since) : Future.succeededFuture(sofar + rows.size());
    });
  }
}
