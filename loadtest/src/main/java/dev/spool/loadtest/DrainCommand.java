package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code drain}: enqueue N no-op jobs, drain them with W worker verticles, report both rates and the
 * loss/duplicate accounting. Exits 1 when a job was lost or ran twice, or the drain timed out.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = "Enqueue N no-op jobs in batches, then time W worker verticles draining them.")
final class DrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DrainSettings settings = new DrainSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonObject result = JsonRun.print(spec, json, settings.db, (progress, uri) -> new Drain(settings, progress).run(uri));
    return failed(result) ? 1 : 0;
  }

  static boolean failed(JsonObject result) {
    return result.getLong("lost") > 0 || result.getLong("duplicates") > 0 || result.getBoolean("timed_out");
  }
}
