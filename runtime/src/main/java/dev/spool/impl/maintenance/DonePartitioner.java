package dev.spool.impl.maintenance;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs on the leader only, beside the {@link Pruner}: keeps the partitions of the kept history ({@code jobs_done},
 * see V017) made ahead of the finish times acks will write, and drops whole those whose every row is past its
 * retention window: past the window of kept completed jobs ({@link Pruner#keptWindow}), and past that of results
 * ({@link Pruner#resultsWindow}) too when a job with a result was moved into it (V018: the registry says so). The
 * pruner deletes row by row only in the partitions it does not drop yet: the one that straddles the boundary, and
 * those past the shorter window that hold results younger than theirs.
 *
 * <p>Why: a kept job deleted row by row leaves a dead row version that vacuum must remove, and none can be removed
 * while a long transaction elsewhere holds the horizon; a dropped partition takes its storage with it at once.
 *
 * <p>No ack ever waits for it: partitions are attached ({@code ATTACH PARTITION}) and detached ({@code DETACH
 * PARTITION ... CONCURRENTLY}) under SHARE UPDATE EXCLUSIVE on {@code jobs_done}, which an insert does not wait for,
 * and dropped once detached. A detach waits for every transaction that may read the partition (a REPEATABLE READ
 * reader of the history); its waits are bounded by {@link Config#lockTimeout}, after which the partition is left
 * half-detached and the next pass finishes the detach ({@code FINALIZE}). It runs on a connection of its own.
 */
public final class DonePartitioner implements Service {

  private static final System.Logger LOG = System.getLogger(DonePartitioner.class.getName());
  private static final Pattern PARTITION = Pattern.compile("jobs_done_\\d{8}_\\d{4}");
  /** The partition lengths it picks from: each divides a day, so partitions line up on UTC midnights. */
  private static final int[] HOURS = {24, 12, 8, 6, 4, 3, 2, 1};

  /**
   * How the partitioner works.
   *
   * @param period how much finish time one partition covers
   * @param ahead how far past now partitions are made (a leader down for longer leaves acks without a partition:
   *     they keep their rows in {@code jobs}, pruned row by row)
   * @param interval how often it looks (a catalog read when there is nothing to do)
   * @param lockTimeout how long each of its statements waits for a lock before it tries again at the next pass
   */
  public record Config(Duration period, Duration ahead, Duration interval, Duration lockTimeout) {

    /** The default of {@code ahead}. */
    public static final Duration DEFAULT_AHEAD = Duration.ofDays(1);
    /** The default of {@code interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    /** The default of {@code lockTimeout}. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);

    /** Refuses a period under a minute and a non-positive ahead, interval or lock timeout. */
    public Config {
      if (period == null || period.compareTo(Duration.ofMinutes(1)) < 0 || ahead == null || ahead.isNegative()
          || interval == null || interval.toMillis() < 1 || lockTimeout == null || lockTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("partitions of kept jobs need a period of at least a minute, a positive "
            + "interval and lock timeout and an ahead of zero or more; got period " + period + ", ahead " + ahead
            + ", interval " + interval + ", lock timeout " + lockTimeout);
      }
    }

    /**
     * The defaults for a retention window of kept completed jobs: partitions of a quarter of the window (at most a
     * day, at least an hour, a length that divides a day), so that about a quarter of the window is ever deleted row
     * by row; a day when they are kept forever.
     *
     * @param window how long kept completed jobs are kept; null for ever
     * @return the configuration
     */
    public static Config forWindow(Duration window) {
      return new Config(periodFor(window), DEFAULT_AHEAD, DEFAULT_INTERVAL, DEFAULT_LOCK_TIMEOUT);
    }

    static Duration periodFor(Duration window) {
      if (window == null) {
        return Duration.ofDays(1);
      }
      for (int hours : HOURS) {
        if (Duration.ofHours(hours).multipliedBy(4).compareTo(window) <= 0) {
          return Duration.ofHours(hours);
        }
      }
      return Duration.ofHours(1);
    }
  }

  private final Ticker ticker;
  private final Pool connection;
  private final Queries queries;
  private final Config config;
  private final Duration window;
  private final Duration resultsWindow;
  private boolean running;
  private long dropped;

  /**
   * @param connection a pool of one connection of its own: a detach waits for older transactions
   * @param window how long kept completed jobs are kept (see {@link Pruner#keptWindow}); null: none is dropped
   * @param resultsWindow how long completed jobs with a result are kept (see {@link Pruner#resultsWindow}); null:
   *     a partition that holds one is never dropped
   */
  public DonePartitioner(Vertx vertx, Pool connection, Queries queries, Config config, Duration window,
      Duration resultsWindow) {
    this.ticker = new Ticker(vertx);
    this.connection = connection;
    this.queries = queries;
    this.config = config;
    this.window = window;
    this.resultsWindow = resultsWindow;
  }

  @Override
  public Future<Void> start() {
    ticker.start(config.interval().toMillis(), this::runOnce);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return ticker.stop();
  }

  /** Partitions dropped so far. */
  public long dropped() {
    return dropped;
  }

  /**
   * One pass: makes the partitions ahead, then detaches and drops those past the window, oldest first, stopping at
   * the first that must wait; completes with the partitions dropped. Passes never overlap; a failure is logged and
   * the next pass tries again.
   */
  public Future<Integer> runOnce() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    return connection.withConnection(c -> c.preparedQuery(queries.get("PartitionTimeouts"))
            .execute(Tuple.of(config.lockTimeout().toMillis()))
            .compose(v -> c.preparedQuery(queries.get("ExtendDone"))
                .execute(Tuple.of((double) config.period().toMillis(),
                    (double) config.ahead().plus(config.period()).toMillis())))
            .compose(v -> window == null ? Future.succeededFuture(0) : dropPast(c)))
        .recover(e -> {
          LOG.log(System.Logger.Level.WARNING, "maintaining the partitions of {0}.jobs_done failed ({1}); trying "
              + "again at the next pass", queries.schema(), e.getMessage());
          return Future.succeededFuture(0);
        })
        .onComplete(ar -> running = false);
  }

  private Future<Integer> dropPast(SqlConnection c) {
    return c.preparedQuery(queries.get("DonePartitionsPast"))
        .execute(Tuple.of((double) window.toMillis(), resultsWindow == null ? null : (double) resultsWindow.toMillis()))
        .compose(rows -> {
          List<Row> past = new ArrayList<>();
          rows.forEach(past::add);
          Future<Integer> chain = Future.succeededFuture(0);
          for (Row row : past) {
            chain = chain.compose(n -> drop(c, row).map(n + 1));
          }
          return chain;
        });
  }

  /** Detaches (or finishes detaching) one partition, drops it and forgets it. */
  private Future<Void> drop(SqlConnection c, Row row) {
    String name = row.getString("name");
    if (!PARTITION.matcher(name).matches()) {
      return Future.failedFuture(new IllegalStateException("unexpected partition name " + name));
    }
    Future<Void> detached = !row.getBoolean("attached") ? Future.succeededFuture()
        : run(c, row.getBoolean("pending") ? "FinalizeDonePartition" : "DetachDonePartition", name);
    return detached
        .compose(v -> run(c, "DropDonePartition", name))
        .compose(v -> c.preparedQuery(queries.get("ForgetDonePartition")).execute(Tuple.of(name)))
        .map(v -> {
          dropped++;
          LOG.log(System.Logger.Level.DEBUG, "dropped {0}.{1}, past the retention of kept completed jobs",
              queries.schema(), name);
          return null;
        });
  }

  /** A statement naming one partition: DDL, sent as a simple query (DETACH CONCURRENTLY refuses a transaction). */
  private Future<Void> run(SqlConnection c, String statement, String partition) {
    return c.query(queries.get(statement).replace("{partition}", partition)).execute().mapEmpty();
  }
}
