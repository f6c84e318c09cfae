package dev.spool.loadtest;

import dev.spool.SpoolOptions;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code await}: N jobs awaited at once by N {@code client.await} in this JVM, then drained; reports how
 * long each await took to answer after its job was acked. Exits 1 when an await was not answered with
 * its completed job (or the run timed out); the latency target is reported, not enforced.
 */
@Command(name = "await", mixinStandardHelpOptions = true,
    description = "N jobs and N concurrent awaits in one JVM: latency from each job's ack to its await's answer.")
final class AwaitCommand implements Callable<Integer> {

  public static final int DEFAULT_JOBS = 10_000;
  /** The target: 99 % of awaits answer within this long of their job's ack. */
  public static final double P99_TARGET_MS = 20;

  @Spec
  CommandSpec spec;

  @Option(names = "--jobs", description = "jobs, each awaited once (default: ${DEFAULT-VALUE})")
  int jobs = DEFAULT_JOBS;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--schema", description = "scratch schema, dropped and recreated (default: ${DEFAULT-VALUE})")
  String schema = DrainSettings.DEFAULT_SCHEMA;

  @Option(names = "--warmup-jobs", description = "jobs of an unreported plain drain first, to warm the JIT; 0 for none (default: ${DEFAULT-VALUE})")
  int warmupJobs = DrainSettings.DEFAULT_WARMUP_JOBS;

  @Option(names = "--warmup-rounds", description = "unreported await rounds of the same size first, so the await "
      + "path runs compiled as in a running service; 0 for none (default: ${DEFAULT-VALUE})")
  int warmupRounds = 2;

  @Option(names = "--with-result", description = "each job completes with a small JSON result (about 30 bytes), which its "
      + "awaiter gets with the notification of its ack; without it, jobs complete without a result")
  boolean withResult;

  @Option(names = "--timeout", description = "seconds each await (and the run) may take (default: ${DEFAULT-VALUE})")
  int timeoutSeconds = 120;

  @Mixin
  WorkerSettings workers = new WorkerSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  void validate() {
    new SpoolOptions().setSchema(schema);
    if (jobs < 1 || timeoutSeconds < 1 || warmupJobs < 0 || warmupRounds < 0) {
      throw new IllegalArgumentException("--jobs and --timeout must be at least 1, --warmup-jobs and --warmup-rounds at least 0");
    }
    workers.validate();
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      result = new AwaitBench(this, progress).run(database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    boolean failed = result.getLong("answered") < jobs || result.getLong("not_completed") > 0
        || result.getBoolean("timed_out");
    return failed ? 1 : 0;
  }
}
