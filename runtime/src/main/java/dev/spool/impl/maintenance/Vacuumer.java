package dev.spool.impl.maintenance;

import dev.spool.VacuumOptions;
import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Runs on the leader only: vacuums the jobs table when PostgreSQL's statistics say dead row versions
 * have piled up (see {@link VacuumOptions} for why autovacuum is not enough for a queue). It looks every
 * check interval while this node claims jobs (and for a few seconds after) and every idle check interval
 * otherwise, so an idle cluster pays one statistics read every half minute. A role that does not own the
 * table cannot vacuum it (PostgreSQL would only warn and skip): the vacuumer then turns itself off with
 * one log line. Other failures are retried at the next check. While an old snapshot holds the vacuum horizon
 * where it was at the last pass (a long transaction elsewhere, see {@link dev.spool.VacuumHorizon}), another
 * pass could remove nothing, yet the dead count stays over the thresholds: it skips. In case the horizon moved in a
 * way this query does not see, it still passes after {@link #FIRST_SKIP}, then after twice as long each time the
 * horizon is found where it was, up to {@link #LONGEST_SKIP}. (Under a pinned horizon it would otherwise read the
 * whole grown table every check interval: 30 passes a minute in the horizon load test. Once a minute was still too
 * often: at 1,000 jobs/s, ten pinned minutes make a 300 MB table whose pass reads and writes 200 MB through a
 * shared buffer cache of 128 MB, 0.7-0.8 s of two parallel workers beside the claims and acks.)
 */
public final class Vacuumer implements Service {

  private static final System.Logger LOG = System.getLogger(Vacuumer.class.getName());
  private static final Duration MIN_BUSY_WINDOW = Duration.ofSeconds(5);
  /** How long the vacuumer first skips while the horizon stands where it was at its last pass. */
  static final Duration FIRST_SKIP = Duration.ofMinutes(1);
  /** The longest it skips, after passes that found the horizon where it was (each doubles the skip). */
  static final Duration LONGEST_SKIP = Duration.ofMinutes(16);

  private final Ticker ticker;
  private final SqlClient client;
  private final String deadRowsSql;
  private final String vacuumSql;
  private final String horizonSql;
  /** The horizon at the last pass (null: none held it, or no pass yet), and when that pass began. */
  private String horizonAtLastVacuum;
  private long lastVacuumNanos;
  /** How long it skips now at the horizon of the last pass. */
  private long skipNanos = FIRST_SKIP.toNanos();
  private final LongSupplier nanoTime;
  private long skips;
  private final String schema;
  private final VacuumOptions options;
  private final LongSupplier activity;
  private long lastActivity;
  private long lastActiveNanos;
  private long lastCheckNanos;
  private boolean running;
  private boolean refused;
  private long vacuums;
  private long checks;

  /**
   * @param client a connection of the vacuumer's own: a pass may take seconds, which no claim or ack should wait
   * @param activity a counter that moves while this node works (jobs claimed): the vacuumer looks often
   *     only then
   */
  public Vacuumer(Vertx vertx, SqlClient client, Queries queries, VacuumOptions options, LongSupplier activity) {
    this(vertx, client, queries, options, activity, System::nanoTime);
  }

  /** With the clock the skips are timed by (a test's). */
  Vacuumer(Vertx vertx, SqlClient client, Queries queries, VacuumOptions options, LongSupplier activity,
      LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.ticker = new Ticker(vertx);
    this.client = client;
    this.deadRowsSql = queries.get("JobTableDeadRows");
    this.vacuumSql = queries.get("VacuumJobs");
    this.horizonSql = queries.get("VacuumHorizonXmin");
    this.schema = queries.schema();
    this.options = new VacuumOptions(options);
    this.activity = activity;
  }

  @Override
  public Future<Void> start() {
    if (!ticker.running() && options.isEnabled() && !refused) {
      long now = System.nanoTime();
      lastActivity = activity.getAsLong();
      lastActiveNanos = now - busyWindowNanos();
      lastCheckNanos = now - options.getIdleCheckInterval().toNanos(); // the first tick looks once
      ticker.start(options.getCheckInterval().toMillis(), this::tick);
    }
    return Future.succeededFuture();
  }

  /**
   * How long after the node's last claim the vacuumer keeps looking often: the statistics learn of a
   * burst's last dead rows up to a second or so after its last transaction, and they should not then wait
   * for the idle check.
   */
  private long busyWindowNanos() {
    return Math.max(MIN_BUSY_WINDOW.toNanos(), 5 * options.getCheckInterval().toNanos());
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }

  /** Reads of the dead-row count so far (a test signal: an idle node should hardly add any). */
  public long checks() {
    return checks;
  }

  /** Passes left out because the horizon had not moved since the last one. */
  public long skips() {
    return skips;
  }

  /** Vacuums run by this vacuumer so far. */
  public long vacuums() {
    return vacuums;
  }

  private void tick() {
    long now = System.nanoTime();
    long seen = activity.getAsLong();
    if (seen != lastActivity) {
      lastActivity = seen;
      lastActiveNanos = now;
    }
    boolean busy = now - lastActiveNanos < busyWindowNanos();
    if (!busy && now - lastCheckNanos < options.getIdleCheckInterval().toNanos()) {
      return;
    }
    lastCheckNanos = now;
    runOnce();
  }

  /** Reads the dead-row count and vacuums when it is past the thresholds; completes with whether it did. */
  public Future<Boolean> runOnce() {
    if (running || refused) {
      return Future.succeededFuture(false);
    }
    running = true;
    checks++;
    return client.preparedQuery(deadRowsSql).execute(Tuple.of(schema)).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.succeededFuture(false);
      }
      Row row = rows.iterator().next();
      if (!row.getBoolean("may_vacuum")) {
        refused = true;
        stop();
        LOG.log(System.Logger.Level.WARNING, "this role does not own {0}.jobs and cannot vacuum it; leaving it to "
            + "autovacuum", schema);
        return Future.succeededFuture(false);
      }
      long live = row.getLong("live");
      long dead = row.getLong("dead");
      if (dead < options.getMinDeadRows() || dead < options.getDeadFraction() * live) {
        return Future.succeededFuture(false);
      }
      return client.query(horizonSql).execute().compose(horizon -> {
        String xmin = horizon.size() == 0 ? null : horizon.iterator().next().getString("xmin");
        long now = nanoTime.getAsLong();
        boolean unmoved = xmin != null && xmin.equals(horizonAtLastVacuum);
        if (unmoved && now - lastVacuumNanos < skipNanos) {
          skips++;
          return Future.succeededFuture(false);
        }
        skipNanos = unmoved ? Math.min(2 * skipNanos, LONGEST_SKIP.toNanos()) : FIRST_SKIP.toNanos();
        horizonAtLastVacuum = xmin;
        lastVacuumNanos = now;
        return vacuum(dead, live);
      });
    }).recover(e -> {
      LOG.log(System.Logger.Level.WARNING, "vacuum check of {0}.jobs failed ({1}); trying again at the next check",
          schema, e.getMessage());
      return Future.succeededFuture(false);
    }).onComplete(ar -> running = false);
  }

  private Future<Boolean> vacuum(long dead, long live) {
    return client.query(vacuumSql).execute().map(done -> {
      vacuums++;
      LOG.log(System.Logger.Level.DEBUG, "vacuumed {0}.jobs ({1} dead row versions, {2} live)", schema, dead, live);
      return true;
    });
  }
}
