package dev.spool.loadtest;

import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code upgrade}: a rolling upgrade from a previous release's jar to this one's with jobs flowing throughout.
 * Exits 1 when a job was lost or left unfinished, ran twice where no kill explains it, an enqueue or an await
 * failed, no periodic job ran, an old worker or a producer did not stop cleanly, or either release's workers logged more than
 * {@code --max-errors} error lines.
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
    description = "Upgrade while working: old-release workers drain jobs while this release's migrate runs, "
        + "this release's workers start and the old ones stop (SIGTERM); plain jobs, workflows, awaits and a periodic "
        + "job flow throughout. Reports lost and repeated jobs, throughput per phase, errors per release, how long "
        + "migrate took and the longest enqueue and claim pause meanwhile.")
final class UpgradeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  UpgradeSettings settings = new UpgradeSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    settings.validate(); // bad input fails before anything is built or started
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(settings.db, true, line -> progress.line("%s", line))) {
      result = new Upgrade(settings, progress).run(database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    return failed(result, settings.maxErrors) ? 1 : 0;
  }

  static boolean failed(JsonObject result, int maxErrors) {
    JsonObject errors = result.getJsonObject("errors");
    return result.getLong("lost") > 0 || result.getLong("unfinished") > 0
        || result.getLong("duplicates_unexplained") > 0 || result.getLong("enqueue_errors") > 0
        || result.getLong("await_errors") > 0 || result.getLong("periodic_runs") == 0
        || result.getJsonArray("old_exit_codes").stream().anyMatch(code -> !Integer.valueOf(0).equals(code))
        || result.getJsonArray("producer_exit_codes").stream().anyMatch(code -> !Integer.valueOf(0).equals(code))
        || errors.getLong("old") > maxErrors || errors.getLong("new") > maxErrors;
  }
}
