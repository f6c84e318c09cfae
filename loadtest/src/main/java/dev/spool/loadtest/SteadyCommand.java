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
 * {@code steady}: a fixed enqueue rate against running workers; pickup latency percentiles, the rate
 * achieved, loss accounting, and the statements idle workers cost. Exits 1 when a job was lost, ran
 * twice, or could not be enqueued.
 */
@Command(name = "steady", mixinStandardHelpOptions = true,
    description = "Enqueue at a fixed rate with workers running; report pickup latency and idle cost.")
final class SteadyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  SteadySettings settings = new SteadySettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() {
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(settings.db, true, line -> progress.line("%s", line))) {
      result = new Steady(settings, progress).run(database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    boolean failed = result.getLong("lost") > 0 || result.getLong("duplicates") > 0
        || result.getLong("enqueue_errors") > 0;
    return failed ? 1 : 0;
  }
}
