package dev.spool.impl.maintenance;

import dev.spool.impl.job.ClaimedJob;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Keeps a worker registered as alive: every interval it upserts the worker's row and extends the lease of
 * its jobs that have run past half their lease, so long handlers are not rescued while their worker
 * lives. Only jobs the worker still holds are extended, by id: a row left running under its name that it
 * no longer holds (its ack was lost when a failover or crash dropped commits not yet flushed or
 * replicated) must expire and be rescued, not be kept alive by the beats forever: a beat ends its lease at
 * once, so the rescuer takes it within seconds. A worker whose heartbeats stop (killed, partitioned) is reaped by the leader's {@link Rescuer}.
 */
public final class Heartbeat implements Service {

  private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());

  private final Vertx vertx;
  private final SqlClient client;
  private final String sql;
  private final String deregisterSql;
  private final String[] queues;
  private final String[] tasks;
  private final JsonObject limits;
  private final double leaseMs;
  private final WorkerActivity activity;
  private final String workerId;
  private final long intervalMs;
  private final BooleanSupplier staysRegistered;
  private long timer = -1;
  private Consumer<BiConsumer<ClaimedJob, JsonObject>> progress = sink -> { };
  private String progressSql;
  private SqlClient progressWriter;
  private boolean failing;
  private Supplier<Occupancy> occupancy = () -> Occupancy.NONE;
  private Liveness liveness;
  private Runnable onFailure = () -> { };

  /**
   * How long ago a job left running under this worker's name but not held by it must have been claimed
   * before a beat ends its lease (at least two beats): younger ones may be claims whose answer is on its way.
   */
  static final long MIN_ORPHAN_AGE_MS = 5_000;

  /** The most running job ids a beat writes to the worker's row: enough to look at, bounded per worker. */
  public static final int MAX_RUNNING_IDS = 100;

  /**
   * What the worker holds as a beat is sent: jobs whose handler runs ({@code active}, the first
   * {@link #MAX_RUNNING_IDS} of their ids in {@code runningIds}) and jobs claimed into its prefetch buffers
   * that have not started ({@code reserved}); {@code heldIds} are all the jobs it holds (those, and those
   * whose outcome is not written yet): the only ones whose lease a beat extends.
   */
  public record Occupancy(int active, int reserved, List<Long> runningIds, List<Long> heldIds) {
    static final Occupancy NONE = new Occupancy(0, 0, List.of(), List.of());
  }

  /**
   * @param tasks the tasks this worker handles, and {@code limits} its cluster-wide limits (see V009): both
   *     registered with the worker, for explain and the dashboard's warnings
   * @param staysRegistered asked at stop: true keeps the worker's row (see {@link #stop()})
   */
  public Heartbeat(Vertx vertx, SqlClient client, Queries queries, String workerId, List<String> queues,
      Collection<String> tasks, JsonObject limits, WorkerActivity activity, Duration interval, Duration lease,
      BooleanSupplier staysRegistered) {
    this.vertx = vertx;
    this.client = client;
    this.sql = queries.get("Heartbeat");
    this.deregisterSql = queries.get("Deregister");
    this.workerId = workerId;
    this.queues = queues.toArray(String[]::new);
    this.tasks = tasks.toArray(String[]::new);
    this.limits = limits;
    this.leaseMs = lease.toMillis();
    this.activity = activity;
    this.intervalMs = interval.toMillis();
    this.staysRegistered = staysRegistered;
  }

  /**
   * Each beat also writes the progress that running jobs reported since the last one ({@code source} hands
   * it over), in one statement, and none when there is none: however often a handler reports, its job's
   * row is written at most once a beat. It is written through {@code writer}, the connection the worker acks
   * on, so a job's last progress lands before its ack rather than racing it.
   */
  public Heartbeat progressFrom(Consumer<BiConsumer<ClaimedJob, JsonObject>> source, Queries queries,
      SqlClient writer) {
    this.progress = source;
    this.progressSql = queries.get("WriteProgress");
    this.progressWriter = writer;
    return this;
  }

  /**
   * Each beat also writes what the worker holds ({@code source}, called on the worker's context like the
   * producers it reads), so active and reserved jobs are told apart from the workers table, not per job.
   */
  public Heartbeat occupancyFrom(Supplier<Occupancy> source) {
    this.occupancy = source;
    return this;
  }

  /**
   * Each beat the database confirms (or fails) is told to {@code liveness}, so the worker's producers know
   * whether the rescuer may have declared it dead.
   */
  public Heartbeat livenessTo(Liveness liveness) {
    this.liveness = liveness;
    return this;
  }

  /** Runs {@code action} (on the worker's context) after each beat that failed: the database is out of reach. */
  public Heartbeat whenFailing(Runnable action) {
    this.onFailure = action;
    return this;
  }

  /** Registers the worker; fails when the database cannot be reached, so the worker does not start blind. */
  @Override
  public Future<Void> start() {
    return beat().onSuccess(v -> timer = vertx.setPeriodic(intervalMs, t -> beat()));
  }

  private Future<Void> beat() {
    writeProgress();
    Occupancy held = occupancy.get();
    Tuple params = Tuple.of(workerId, queues, leaseMs, activity.snapshot(System.nanoTime()), tasks, limits)
        .addInteger(held.active()).addInteger(held.reserved()).addArrayOfLong(held.runningIds().toArray(Long[]::new))
        .addArrayOfLong(held.heldIds().toArray(Long[]::new))
        .addDouble((double) Math.max(MIN_ORPHAN_AGE_MS, 2 * intervalMs));
    long sent = System.nanoTime();
    return client.preparedQuery(sql).execute(params).<Void>mapEmpty()
        .onSuccess(v -> {
          if (liveness != null) {
            liveness.confirmed(sent, System.nanoTime());
          }
          if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "worker {0} heartbeats again", workerId);
          }
        })
        .onFailure(e -> {
          if (liveness != null) {
            liveness.beatFailed();
          }
          onFailure.run();
          if (!failing) {
            failing = true;
            LOG.log(System.Logger.Level.WARNING, "worker {0} cannot heartbeat ({1}); retrying every {2} ms",
                workerId, e.toString(), intervalMs);
          }
        });
  }

  private void writeProgress() {
    List<Long> ids = new ArrayList<>();
    List<Integer> attempts = new ArrayList<>();
    List<String> values = new ArrayList<>();
    progress.accept((job, value) -> {
      ids.add(job.id());
      attempts.add(job.attempt());
      values.add(value.encode());
    });
    if (ids.isEmpty()) {
      return;
    }
    progressWriter.preparedQuery(progressSql)
        .execute(Tuple.of(ids.toArray(Long[]::new), attempts.toArray(Integer[]::new), values.toArray(String[]::new), workerId))
        .onFailure(e -> LOG.log(System.Logger.Level.DEBUG, "progress not written: {0}", e.toString()));
  }

  /**
   * Stops beating and removes the worker's row (its jobs have been acked or handed back by then) — unless
   * it still holds jobs of stuck handlers: then the row stays, so the rescuer frees those jobs only once the
   * worker's database session is gone (the process exited) or its heartbeat is older than the worker
   * timeout, rather than at once while the stuck handler may still be running.
   */
  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    if (staysRegistered.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(deregisterSql).execute(Tuple.of(workerId)).mapEmpty();
  }
}
