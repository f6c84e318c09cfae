package dev.spool.loadtest;

import dev.spool.BulkFilter;
import dev.spool.JobState;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulk}: workers drain one queue twice, each time beside N pending jobs in another queue ({@code aside});
 * the second time a bulk cancel of those N runs from the start of the drain, in its bounded batches. The
 * target: the disturbed drain at ≥ 0.7 × the undisturbed one, every pending job cancelled.
 */
@Command(name = "bulk", mixinStandardHelpOptions = true,
    description = "Drain while a bulk cancel of N pending jobs of another queue runs; compare with the same drain without it.")
final class BulkCommand implements Callable<Integer> {

  static final double TARGET_RATIO = 0.7;

  @Spec
  CommandSpec spec;

  @Mixin
  DrainSettings settings = new DrainSettings();

  @Option(names = "--cancel", defaultValue = "1000000", description = "pending jobs the bulk cancel takes (default: ${DEFAULT-VALUE})")
  int cancel;

  @Option(names = "--json", description = "print only the JSON line")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (cancel < 1) {
        throw new IllegalArgumentException("--cancel must be at least 1, got " + cancel);
      }
      settings.validate();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    Progress progress = json ? Progress.quiet() : Progress.to(err);
    DrainSettings.Seed aside = (spool, checks) -> spool.pool().preparedQuery(checks.sql("SeedAside"))
        .execute(Tuple.of(cancel)).compose(r -> spool.pool().query(checks.sql("VacuumJobs")).execute()).mapEmpty();
    JsonObject quiet;
    JsonObject disturbed;
    try (DatabaseChoice database = DatabaseChoice.resolve(settings.db, true, line -> progress.line("%s", line))) {
      progress.line("undisturbed drain beside %,d pending jobs", cancel);
      settings.seed = aside;
      quiet = new Drain(settings, progress).run(database.uri());
      progress.line("the same drain while they are cancelled in bulk");
      DrainSettings second = settings.warmup();
      second.jobs = settings.jobs;
      second.warmupJobs = 0;
      second.seed = aside;
      second.during = spool -> spool.admin().cancelPending(new BulkFilter().setQueue("aside").setState(JobState.AVAILABLE));
      disturbed = new Drain(second, progress).run(database.uri());
    }
    double ratio = Math.round(1000.0 * disturbed.getLong("drain_jobs_per_s") / quiet.getLong("drain_jobs_per_s")) / 1000.0;
    long cancelled = disturbed.getLong("during_result");
    boolean failed = DrainCommand.failed(quiet) || DrainCommand.failed(disturbed) || cancelled != cancel;
    JsonObject result = new JsonObject().put("command", "bulk").put("jobs", settings.jobs).put("cancel", cancel)
        .put("undisturbed_jobs_per_s", quiet.getLong("drain_jobs_per_s"))
        .put("during_cancel_jobs_per_s", disturbed.getLong("drain_jobs_per_s"))
        .put("ratio", ratio).put("target_met", ratio >= TARGET_RATIO)
        .put("cancelled", cancelled).put("cancel_seconds", disturbed.getDouble("during_seconds"))
        .put("drain_seconds_during_cancel", disturbed.getDouble("drain_seconds"))
        .put("cost_undisturbed", quiet.getJsonObject("cost")).put("cost_during_cancel", disturbed.getJsonObject("cost"))
        .put("failed", failed);
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.printf(Locale.ROOT, "drain %,d jobs/s undisturbed, %,d jobs/s while %,d pending jobs were cancelled in %.1f s: "
              + "%.2f x (target >= %.1f) %s%n", quiet.getLong("drain_jobs_per_s"), disturbed.getLong("drain_jobs_per_s"),
          cancelled, disturbed.getDouble("during_seconds"), ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "MISSED");
    }
    out.println(result.encode());
    out.flush();
    return failed ? 1 : 0;
  }
}
