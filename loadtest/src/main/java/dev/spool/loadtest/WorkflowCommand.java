package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code workflow --fan-in N}: N parents and one callback waiting on all of them (a chord), next to a plain
 * drain of N jobs in the same run; {@code workflow --chain N}: N steps each waiting on the one before.
 * Exits 1 when a step was lost or ran twice, or the run timed out; the targets are reported, not enforced.
 */
@Command(name = "workflow", mixinStandardHelpOptions = true,
    description = "Time a fan-in (a chord of N parents and a callback, with a plain drain of N jobs to compare) or a chain of N steps.")
final class WorkflowCommand implements Callable<Integer> {

  public static final int DEFAULT_FAN_IN = 100_000;
  public static final int DEFAULT_CHAIN = 10_000;
  /** The fan-in target: the callback starts within this long of its last parent's ack. */
  public static final double CALLBACK_LAG_TARGET_MS = 1_000;
  /** The fan-in target: the whole run drains at least this share of the plain rate. */
  public static final double RATIO_TARGET = 0.5;
  /** The chain target: a released step is claimed at once, not at the next poll. */
  public static final double CHAIN_STEPS_PER_S_TARGET = 1_000;

  /** Which shape, and how big; exactly one (fan-in when neither is given). */
  static final class Shape {
    @Option(names = "--fan-in", arity = "0..1", fallbackValue = "" + DEFAULT_FAN_IN, paramLabel = "N",
        description = "parents of one callback (default when given alone: ${FALLBACK-VALUE})")
    Integer fanIn;

    @Option(names = "--chain", arity = "0..1", fallbackValue = "" + DEFAULT_CHAIN, paramLabel = "N",
        description = "steps of one chain (default when given alone: ${FALLBACK-VALUE})")
    Integer chain;
  }

  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Shape shape = new Shape();

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = DrainSettings.DEFAULT_SCHEMA;

  @Option(names = "--warmup-jobs", description = "jobs of an unreported plain drain first, to warm the JIT; 0 for none (default: ${DEFAULT-VALUE})")
  int warmupJobs = DrainSettings.DEFAULT_WARMUP_JOBS;

  @Option(names = "--timeout", description = "seconds to wait for each phase before giving up (default: ${DEFAULT-VALUE})")
  int timeoutSeconds = DrainSettings.DEFAULT_TIMEOUT_SECONDS;

  @Mixin
  WorkerSettings workers = new WorkerSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  boolean isChain() {
    return shape != null && shape.chain != null;
  }

  int size() {
    return isChain() ? shape.chain : shape == null || shape.fanIn == null ? DEFAULT_FAN_IN : shape.fanIn;
  }

  /** A plain drain of {@code jobs} with this run's schema, workers and warm-up, keeping completed rows like the workflow. */
  DrainSettings plainDrain(String uri, int jobs, int warmup) {
    DrainSettings plain = new DrainSettings();
    plain.db = uri;
    plain.schema = schema;
    plain.jobs = jobs;
    plain.warmupJobs = warmup;
    plain.keep = true;
    plain.timeoutSeconds = timeoutSeconds;
    plain.workers = workers;
    return plain;
  }

  void validate() {
    new SpoolOptions().setSchema(schema);
    if (size() < 1 || timeoutSeconds < 1 || warmupJobs < 0) {
      throw new IllegalArgumentException("--fan-in/--chain and --timeout must be at least 1, --warmup-jobs at least 0");
    }
    workers.validate();
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      WorkflowBench bench = new WorkflowBench(this, progress);
      result = isChain() ? bench.chain(database.uri()) : bench.fanIn(database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    return DrainCommand.failed(result) ? 1 : 0;
  }
}
