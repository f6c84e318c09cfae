package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import picocli.CommandLine.Option;

/** What a soak run does: the options of {@code soak}. */
public final class SoakSettings {

  /** The figure: an hour at 2,000 jobs/s. */
  public static final int DEFAULT_RATE = 2_000;
  public static final int DEFAULT_DURATION_SECONDS = 3_600;
  public static final int DEFAULT_SAMPLE_SECONDS = 60;
  /** Jobs that fail their first run and succeed on the retry. */
  public static final double DEFAULT_FAIL_SHARE = 0.05;
  /** Jobs that fail every run and end dead. */
  public static final double DEFAULT_DEAD_SHARE = 0.005;
  /** Enqueue every this many ms, the jobs due by then in one statement. */
  public static final int DEFAULT_TICK_MS = 20;
  /** How long the last jobs (and their retries) get to finish after the enqueueing stops. */
  public static final int DEFAULT_GRACE_SECONDS = 60;
  /**
   * A figure is flat when the mean of the last quarter of samples is at most this many times the mean of the
   * second quarter (the first quarter is warm-up: heaps, pools and the table reach their working size).
   */
  public static final double FLAT_RATIO = 1.2;
  /** Shorter runs report flatness but do not fail on it: a few samples on a busy box say little. */
  public static final int MIN_JUDGED_SECONDS = 600;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = "spool_soak";

  @Option(names = "--rate", description = "jobs enqueued per second (default: ${DEFAULT-VALUE})")
  int rate = DEFAULT_RATE;

  @Option(names = "--duration", description = "seconds of load (default: ${DEFAULT-VALUE})")
  int durationSeconds = DEFAULT_DURATION_SECONDS;

  @Option(names = "--sample-every", description = "seconds between samples (default: ${DEFAULT-VALUE})")
  int sampleSeconds = DEFAULT_SAMPLE_SECONDS;

  @Option(names = "--fail-share", description = "share of jobs failing once, then succeeding (default: ${DEFAULT-VALUE})")
  double failShare = DEFAULT_FAIL_SHARE;

  @Option(names = "--dead-share", description = "share of jobs failing every attempt, ending dead (default: ${DEFAULT-VALUE})")
  double deadShare = DEFAULT_DEAD_SHARE;

  @Option(names = "--tick-ms", description = "enqueue every this many ms (default: ${DEFAULT-VALUE})")
  int tickMs = DEFAULT_TICK_MS;

  @Option(names = "--grace", description = "seconds the last jobs get to finish (default: ${DEFAULT-VALUE})")
  int graceSeconds = DEFAULT_GRACE_SECONDS;

  @Option(names = "--pin", description = "none, or hold the vacuum horizon for the whole load as `horizon` does: "
      + "repeatable-read or analytics; the jobs table's size is then reported per job, not judged (default: "
      + "${DEFAULT-VALUE})")
  String pin = "none";

  @Option(names = "--analytics-seconds", description = "length of each analytical query of --pin analytics "
      + "(default: ${DEFAULT-VALUE})")
  int analyticsSeconds = 120;

  /** The pin's shape. */
  HorizonSettings.Pin pin() {
    return HorizonSettings.Pin.parse(pin);
  }

  void validate() {
    new SpoolOptions().setSchema(schema); // a bad name fails here, before any work
    if (rate < 1 || durationSeconds < 1 || sampleSeconds < 1 || tickMs < 1 || graceSeconds < 1) {
      throw new IllegalArgumentException("--rate, --duration, --sample-every, --tick-ms and --grace must be at least 1");
    }
    pin();
    if (analyticsSeconds < 1) {
      throw new IllegalArgumentException("--analytics-seconds must be at least 1");
    }
    if (failShare < 0 || deadShare < 0 || failShare + deadShare > 1) {
      throw new IllegalArgumentException("--fail-share and --dead-share must be at least 0 and together at most 1");
    }
  }

  /** True when the run is long enough for its flatness to decide its exit code. */
  boolean judged() {
    return durationSeconds >= MIN_JUDGED_SECONDS;
  }
}
