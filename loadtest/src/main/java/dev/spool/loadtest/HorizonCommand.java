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
 * {@code horizon}: a queue at a steady rate while another session pins the vacuum horizon (issue 25), reported
 * per interval. Exits 1 when a bound given ({@code --max-pickup-p99-ms}, {@code --max-claim-growth}) is passed
 * or an enqueue failed.
 */
@Command(name = "horizon", mixinStandardHelpOptions = true,
    description = "Enqueue at a steady rate with a worker running while another session pins the vacuum horizon "
        + "(a REPEATABLE READ transaction, or overlapping analytical queries); report backlog, pickup, claim time, "
        + "dead tuples and sizes per interval, and the recovery after the release.")
final class HorizonCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  HorizonSettings settings = new HorizonSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(settings.db, true, line -> progress.line("%s", line))) {
      result = new Horizon(settings, progress).run(database.uri());
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    result.getJsonArray("failed_bounds").forEach(f -> progress.line("failed: %s", f));
    return result.getJsonArray("failed_bounds").isEmpty() ? 0 : 1;
  }
}
