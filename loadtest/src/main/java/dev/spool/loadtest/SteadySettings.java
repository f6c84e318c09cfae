package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a steady run does: the options of {@code steady}. */
public final class SteadySettings {

  /** The rate the pickup-latency target is stated for. */
  public static final int DEFAULT_RATE = 5_000;
  public static final int DEFAULT_DURATION_SECONDS = 30;
  /** Enough for the JIT to compile the hot path; latencies of jobs due before then are not recorded. */
  public static final int DEFAULT_WARMUP_SECONDS = 3;
  /** 200 enqueue statements a second: small batches, so a job waits at most this long for its statement. */
  public static final int DEFAULT_TICK_MS = 5;
  /** Two poll intervals and more: enough to see the idle workers' steady rhythm. */
  public static final int DEFAULT_IDLE_SECONDS = 5;
  /** How long the last jobs get to run after the enqueueing stops. */
  public static final int DEFAULT_GRACE_SECONDS = 30;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = DrainSettings.DEFAULT_SCHEMA;

  @Option(names = "--rate", description = "jobs enqueued per second (default: ${DEFAULT-VALUE})")
  int rate = DEFAULT_RATE;

  @Option(names = "--duration", description = "seconds of measured load, after the warm-up (default: ${DEFAULT-VALUE})")
  int durationSeconds = DEFAULT_DURATION_SECONDS;

  @Option(names = "--warmup", description = "seconds of load before measuring (default: ${DEFAULT-VALUE})")
  int warmupSeconds = DEFAULT_WARMUP_SECONDS;

  @Option(names = "--tick-ms", description = "enqueue every this many ms, the jobs due by then in one statement (default: ${DEFAULT-VALUE})")
  int tickMs = DEFAULT_TICK_MS;

  @Option(names = "--idle-seconds", description = "seconds of idle workers to count statements over (default: ${DEFAULT-VALUE})")
  int idleSeconds = DEFAULT_IDLE_SECONDS;

  @Option(names = "--grace", description = "seconds the last jobs get to finish (default: ${DEFAULT-VALUE})")
  int graceSeconds = DEFAULT_GRACE_SECONDS;

  @Mixin
  WorkerSettings workers = new WorkerSettings();

  void validate() {
    new SpoolOptions().setSchema(schema); // a bad name fails here, before any work
    if (rate < 1 || durationSeconds < 1 || tickMs < 1 || idleSeconds < 1 || graceSeconds < 1 || warmupSeconds < 0) {
      throw new IllegalArgumentException(
          "--rate, --duration, --tick-ms, --idle-seconds and --grace must be at least 1, --warmup at least 0");
    }
    workers.validate();
  }
}
