package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code soak}: a worker process under a steady load with failures mixed in, for an hour by default; samples
 * what could grow and says whether it stayed flat. Exits 1 when a job was lost or ran twice, an enqueue
 * failed, a dead job count differs from the planned one, or (runs of at least
 * {@value SoakSettings#MIN_JUDGED_SECONDS} s) a figure grew past {@value SoakSettings#FLAT_RATIO} ×.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Run a worker process at a steady rate with failures mixed in; sample heap, RSS, connections "
        + "and table size, and check they stay flat (judged for runs of 600 s or more, reported for shorter).")
final class SoakCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  SoakSettings settings = new SoakSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonObject result = JsonRun.print(spec, json, settings.db, (progress, uri) -> new Soak(settings, progress).run(uri));
    boolean failed = result.getLong("lost") > 0 || result.getLong("duplicates") > 0
        || result.getLong("enqueue_errors") > 0 || !result.getLong("dead").equals(result.getLong("dead_expected"))
        || (result.getBoolean("judged") && !result.getBoolean("flat"));
    return failed ? 1 : 0;
  }
}
