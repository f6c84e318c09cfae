package dev.spool.loadtest;

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
    JsonObject result = JsonRun.print(spec, json, settings.db, (progress, uri) -> new Horizon(settings, progress).run(uri));
    if (!json) {
      result.getJsonArray("failed_bounds").forEach(f -> spec.commandLine().getErr().println("failed: " + f));
    }
    return result.getJsonArray("failed_bounds").isEmpty() ? 0 : 1;
  }
}
