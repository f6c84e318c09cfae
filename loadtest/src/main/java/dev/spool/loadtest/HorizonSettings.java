package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** What a horizon run does: the options of {@code horizon}. */
public final class HorizonSettings {

  /** What holds the horizon while the load runs. */
  enum Pin {
    /** Nothing: the comparison run. */
    NONE,
    /** One REPEATABLE READ transaction that has read the queue's table, open for the whole pinned phase. */
    REPEATABLE_READ,
    /** Three analytical queries of {@code --analytics-seconds} each, staggered by a third, back to back. */
    ANALYTICS;

    static Pin parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "repeatable-read" -> REPEATABLE_READ;
        case "analytics" -> ANALYTICS;
        default -> throw new IllegalArgumentException("--pin is none, repeatable-read or analytics, got " + text);
      };
    }

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What runs the jobs. */
  enum Target {
    /** A Spool worker process. */
    SPOOL,
    /** The SQL floor: pgbench with the floor's claim and ack (floor/horizon-worker.sql), paced. */
    FLOOR,
    /** Graphile Worker, a peer: its runner and its addJobs in a node process (graphile/horizon-peer.mjs). */
    GRAPHILE;

    static Target parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "spool" -> SPOOL;
        case "floor" -> FLOOR;
        case "graphile" -> GRAPHILE;
        default -> throw new IllegalArgumentException("a target is spool, floor or graphile, got " + text);
      };
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The scenarios: PlanetScale's 800 jobs/s halved for this 2-core box. */
  public static final int DEFAULT_RATE = 400;
  public static final int DEFAULT_WARMUP_SECONDS = 60;
  public static final int DEFAULT_DURATION_SECONDS = 900;
  public static final int DEFAULT_RECOVERY_SECONDS = 120;
  public static final int DEFAULT_REPORT_SECONDS = 60;
  /** PlanetScale's analytical queries ran 120 s each. */
  public static final int DEFAULT_ANALYTICS_SECONDS = 120;
  public static final int DEFAULT_TICK_MS = 20;
  /** The floor's pgbench transactions a second (two clients): a claim every 40 ms per client at most. */
  public static final int DEFAULT_FLOOR_CLAIMS_PER_S = 50;
  public static final int DEFAULT_FLOOR_BATCH = 100;
  /** The floor's stand-in for autovacuum (which this project's servers run with a one-minute naptime, or not). */
  public static final int DEFAULT_FLOOR_VACUUM_SECONDS = 10;
  /** Graphile Worker's runner concurrency: its bench's setting in ../shared/bench (its own default is 1). */
  public static final int DEFAULT_GRAPHILE_CONCURRENCY = 16;
  /** Off: Graphile's default, each of its slots claims one job at a time, woken by its LISTEN/NOTIFY. */
  public static final int DEFAULT_GRAPHILE_LOCAL_QUEUE = 0;
  /** Graphile Worker leaves vacuum to autovacuum, as the floor does: the same stand-in. */
  public static final int DEFAULT_GRAPHILE_VACUUM_SECONDS = DEFAULT_FLOOR_VACUUM_SECONDS;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema of the Spool target, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = "spool_horizon_lt";

  @Option(names = "--target", description = "spool, floor or graphile (default: spool)")
  String target;

  @Option(names = "--targets", description = "several targets, comma-separated (spool,floor,graphile), run one "
      + "after the other under the same pin shape, each with its own table; instead of --target")
  String targets;

  @Option(names = "--keys", description = "with N > 0, the Spool target's queue is fair (keyed), each job gets one "
      + "of N keys round robin (key-000, key-001, ...) and the claim probed is the keyed claim from floors; the floor "
      + "and Graphile ignore it; 0 is a plain queue (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--pin", description = "none, repeatable-read or analytics (default: ${DEFAULT-VALUE})")
  String pin = "repeatable-read";

  @Option(names = "--rate", description = "jobs enqueued per second (default: ${DEFAULT-VALUE})")
  int rate = DEFAULT_RATE;

  @Option(names = "--warmup", description = "seconds of load before the pin, the baseline (default: ${DEFAULT-VALUE})")
  int warmupSeconds = DEFAULT_WARMUP_SECONDS;

  @Option(names = "--duration", description = "seconds the horizon is pinned, load running (default: ${DEFAULT-VALUE})")
  int durationSeconds = DEFAULT_DURATION_SECONDS;

  @Option(names = "--recovery", description = "seconds of load watched after the pin is released (default: ${DEFAULT-VALUE})")
  int recoverySeconds = DEFAULT_RECOVERY_SECONDS;

  @Option(names = "--report-every", description = "seconds per report line (default: ${DEFAULT-VALUE})")
  int reportSeconds = DEFAULT_REPORT_SECONDS;

  @Option(names = "--analytics-seconds", description = "length of each analytical query of --pin analytics (default: ${DEFAULT-VALUE})")
  int analyticsSeconds = DEFAULT_ANALYTICS_SECONDS;

  @Option(names = "--tick-ms", description = "enqueue every this many ms (default: ${DEFAULT-VALUE})")
  int tickMs = DEFAULT_TICK_MS;

  @Option(names = "--floor-claims-per-s", description = "pgbench transactions a second of the floor's worker (default: ${DEFAULT-VALUE})")
  int floorClaimsPerSecond = DEFAULT_FLOOR_CLAIMS_PER_S;

  @Option(names = "--floor-batch", description = "jobs per claim of the floor's worker (default: ${DEFAULT-VALUE})")
  int floorBatch = DEFAULT_FLOOR_BATCH;

  @Option(names = "--floor-vacuum-every", description = "seconds between VACUUMs of the floor's table, as a queue "
      + "without a vacuumer of its own gets from autovacuum at best; 0 leaves it to the server's autovacuum "
      + "(default: ${DEFAULT-VALUE})")
  int floorVacuumSeconds = DEFAULT_FLOOR_VACUUM_SECONDS;

  @Option(names = "--graphile-dir", description = "where Graphile Worker is installed (node_modules); default: "
      + "where ../shared/bench/peers/graphile-worker/run.sh installs it, $SPOOL_PEER_CACHE or "
      + "~/.cache/spool-peers/graphile-worker")
  String graphileDir;

  @Option(names = "--graphile-concurrency", description = "Graphile Worker's runner concurrency (default: ${DEFAULT-VALUE})")
  int graphileConcurrency = DEFAULT_GRAPHILE_CONCURRENCY;

  @Option(names = "--graphile-local-queue", description = "Graphile Worker's localQueue size, batched claims and "
      + "completion; 0 is its default, a claim per job (default: ${DEFAULT-VALUE})")
  int graphileLocalQueue = DEFAULT_GRAPHILE_LOCAL_QUEUE;

  @Option(names = "--graphile-vacuum-every", description = "seconds between VACUUMs of Graphile Worker's jobs table "
      + "(it has no vacuumer of its own); 0 leaves it to the server's autovacuum (default: ${DEFAULT-VALUE})")
  int graphileVacuumSeconds = DEFAULT_GRAPHILE_VACUUM_SECONDS;

  @Option(names = "--pgstattuple", description = "create the pgstattuple extension when available, for exact dead "
      + "tuple counts of the table and its indexes (used anyway when installed)")
  boolean createPgstattuple;

  @Option(names = "--max-pickup-p99-ms", description = "exit 1 when a pinned report's pickup p99 exceeds this")
  Double maxPickupP99Ms;

  @Option(names = "--max-claim-growth", description = "exit 1 when the last pinned report's mean claim time exceeds "
      + "this many times the first's")
  Double maxClaimGrowth;

  Pin pin() {
    return Pin.parse(pin);
  }

  /** The targets of this run, in order: {@code --targets}, else {@code --target}, else Spool. */
  List<Target> targets() {
    if (targets != null && target != null) {
      throw new IllegalArgumentException("--target and --targets are exclusive: name every target in --targets");
    }
    if (targets == null) {
      return List.of(target == null ? Target.SPOOL : Target.parse(target));
    }
    List<Target> parsed = Arrays.stream(targets.split(",")).map(Target::parse).toList();
    if (new HashSet<>(parsed).size() < parsed.size()) {
      throw new IllegalArgumentException("--targets names a target twice: " + targets);
    }
    return parsed;
  }

  /**
   * The {@code --keys} keys, sorted as their strings (the worker's KeyFrontier and the keyed claim take them in that
   * order): {@code key-000} on, zero-padded to the width of the last, three digits at least.
   */
  static String[] keyNames(int keys) {
    String format = "key-%0" + Math.max(3, String.valueOf(keys - 1).length()) + "d";
    String[] names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = String.format(Locale.ROOT, format, i);
    }
    return names;
  }

  /** Where Graphile Worker is installed: {@code --graphile-dir}, else where the peer's bench script puts it. */
  Path graphileDir() {
    return graphileDir == null ? GraphileHorizonTarget.defaultInstallDir() : Path.of(graphileDir);
  }

  void validate() {
    new SpoolOptions().setSchema(schema); // a bad name fails here, before any work
    pin();
    if (targets().contains(Target.GRAPHILE)) {
      String why = GraphileHorizonTarget.unavailable(graphileDir());
      if (why != null) {
        throw new IllegalArgumentException(why);
      }
    }
    if (rate < 1 || durationSeconds < 1 || reportSeconds < 1 || tickMs < 1 || analyticsSeconds < 3
        || floorClaimsPerSecond < 1 || floorBatch < 1 || graphileConcurrency < 1) {
      throw new IllegalArgumentException("--rate, --duration, --report-every, --tick-ms, --floor-claims-per-s, "
          + "--floor-batch and --graphile-concurrency must be at least 1, --analytics-seconds at least 3");
    }
    if (warmupSeconds < 0 || recoverySeconds < 0 || floorVacuumSeconds < 0 || graphileLocalQueue < 0
        || graphileVacuumSeconds < 0) {
      throw new IllegalArgumentException("--warmup, --recovery, --floor-vacuum-every, --graphile-local-queue and "
          + "--graphile-vacuum-every must be at least 0");
    }
    if (keys < 0) {
      throw new IllegalArgumentException("--keys must be at least 0 (0: a plain queue), got " + keys);
    }
    if (maxPickupP99Ms != null && maxPickupP99Ms <= 0 || maxClaimGrowth != null && maxClaimGrowth <= 0) {
      throw new IllegalArgumentException("--max-pickup-p99-ms and --max-claim-growth must be positive");
    }
  }
}
