package dev.spool.loadtest;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a drain run does; the options of {@code drain}, and filled in by {@code compare} for its own runs. */
public final class DrainSettings {

  /** A schema of the load tester's own: it is dropped and recreated at the start of every run. */
  public static final String DEFAULT_SCHEMA = "spool_loadtest";
  /** The job count the targets are stated for. */
  public static final int DEFAULT_JOBS = 200_000;
  /** A few thousand rows per statement: big enough to amortise the round trip, small enough to pipeline. */
  public static final int DEFAULT_ENQUEUE_BATCH = 5_000;
  /**
   * Two statements in flight, one per core of the box this was tuned on. Every enqueue statement inserts
   * at the right-most pages of the primary key and of the claim index, so more statements at once contend
   * for the same pages: measured on 2 cores, 500k jobs, three runs each, the median was 190k jobs/s with 2
   * in flight, 196k with 3, 166k with 4 and 132k with 1.
   */
  public static final int DEFAULT_ENQUEUE_IN_FLIGHT = 2;
  /**
   * A first, unreported drain in the same JVM, so the measured one runs compiled code as a long-lived
   * worker does (the floor's pgbench has no warm-up to do). Without it the first 200k jobs run partly
   * interpreted and the figure says more about the JIT than about Spool. 50k was not enough: a profile
   * of a 1M-job drain after it spent half the JVM's CPU in the C2 compiler, on cores PostgreSQL needs;
   * after 300k the measured drain ran about 5 % faster (three paired runs).
   */
  public static final int DEFAULT_WARMUP_JOBS = 200_000;
  /** Generous: a drain that takes this long has a bug, not a slow database. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 600;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = DEFAULT_SCHEMA;

  @Option(names = "--jobs", description = "no-op jobs to enqueue and drain (default: ${DEFAULT-VALUE})")
  int jobs = DEFAULT_JOBS;

  @Option(names = "--warmup-jobs", description = "jobs of an unreported drain first, to warm the JIT; 0 for none (default: ${DEFAULT-VALUE})")
  int warmupJobs = DEFAULT_WARMUP_JOBS;

  @Option(names = "--keep", description = "keep finished jobs as completed rows instead of deleting them")
  boolean keep;

  @Option(names = "--enqueue-batch", description = "jobs per enqueue statement (default: ${DEFAULT-VALUE})")
  int enqueueBatch = DEFAULT_ENQUEUE_BATCH;

  @Option(names = "--enqueue-in-flight", description = "enqueue statements in flight at once (default: ${DEFAULT-VALUE})")
  int enqueueInFlight = DEFAULT_ENQUEUE_IN_FLIGHT;

  @Option(names = "--timeout", description = "seconds to wait for the drain before giving up (default: ${DEFAULT-VALUE})")
  int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

  @Option(names = "--task", description = "drain jobs of this built-in task instead of no-ops: spool.block, spool.sleep, "
      + "spool.noop, spool.hang or spool.fail (default: the load tester's own no-op)")
  String task;

  @Option(names = "--args", description = "the arguments of every job of --task, a JSON object, e.g. '{\"ms\":20}' (default: {})")
  String args;

  @Option(names = "--queues", description = "queues the jobs are spread over (one batch each, in turn) and the workers "
      + "serve; 1 is the default queue (default: ${DEFAULT-VALUE})")
  int queues = 1;

  @Option(names = "--payload-bytes", description = "bytes of padding in every no-op job's arguments (default: ${DEFAULT-VALUE})")
  int payloadBytes;

  @Mixin
  WorkerSettings workers = new WorkerSettings();

  /** Rows {@code scale} adds after the reset and before the jobs are enqueued; null for none. */
  Seed seed;

  /** Work {@code bulk} starts as the workers start, awaited (and timed) after the drain; null for none. */
  java.util.function.Function<Spool, Future<?>> during;

  /** Seconds of idle statements/s to measure after the drain, the workers still running; 0 for none. */
  int idleSeconds;

  /** What a run puts in the table first (history, a backlog due later), measured against the same run without. */
  @FunctionalInterface
  interface Seed {
    /** Adds the rows; the scratch schema is fresh. */
    Future<Void> seed(Spool spool, Checks checks);
  }

  /** The queues the jobs go to: the default queue alone, or {@code q0001} to {@code qN}. */
  List<String> queueNames() {
    if (queues == 1) {
      return List.of(EnqueueOptions.DEFAULT_QUEUE);
    }
    List<String> names = new ArrayList<>(queues);
    for (int i = 1; i <= queues; i++) {
      names.add(String.format(Locale.ROOT, "q%04d", i));
    }
    return names;
  }

  /** Jobs per enqueue statement: no more than each queue's share, so that every queue gets work. */
  int effectiveEnqueueBatch() {
    return Math.max(1, Math.min(enqueueBatch, (jobs + queues - 1) / queues));
  }

  /** The same run with another job count and no warm-up of its own: the warm-up run. */
  DrainSettings warmup() {
    DrainSettings warmup = new DrainSettings();
    warmup.db = db;
    warmup.schema = schema;
    warmup.jobs = warmupJobs;
    warmup.warmupJobs = 0;
    warmup.keep = keep;
    warmup.enqueueBatch = enqueueBatch;
    warmup.enqueueInFlight = enqueueInFlight;
    warmup.timeoutSeconds = timeoutSeconds;
    warmup.task = task;
    warmup.args = args;
    warmup.queues = queues;
    warmup.payloadBytes = payloadBytes;
    warmup.workers = workers;
    return warmup;
  }

  /** The arguments of {@code --args}; {} when not given. */
  JsonObject taskArgs() {
    try {
      return args == null ? new JsonObject() : new JsonObject(args);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("--args must be a JSON object, got " + args);
    }
  }

  void validate() {
    new SpoolOptions().setSchema(schema); // a bad name fails here, before any work
    if (warmupJobs < 0) {
      throw new IllegalArgumentException("--warmup-jobs must be zero or positive, got " + warmupJobs);
    }
    if (jobs < 1 || enqueueBatch < 1 || enqueueInFlight < 1 || timeoutSeconds < 1 || queues < 1) {
      throw new IllegalArgumentException("--jobs, --enqueue-batch, --enqueue-in-flight, --timeout and --queues must be at least 1");
    }
    if (payloadBytes < 0 || (payloadBytes > 0 && task != null)) {
      throw new IllegalArgumentException("--payload-bytes must be zero or positive, and pads the no-op jobs only (not --task)");
    }
    if (args != null && task == null) {
      throw new IllegalArgumentException("--args needs --task");
    }
    if (task != null && BuiltInTasks.register(new JobHandlers()).get(task) == null) {
      throw new IllegalArgumentException("--task must be a built-in task, one of "
          + BuiltInTasks.register(new JobHandlers()).taskNames() + "; got " + task);
    }
    taskArgs();
    workers.validate();
  }
}
