package dev.spool.loadtest;

import dev.spool.loadtest.HorizonSettings.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code horizon}: a queue at a steady rate while another session pins the vacuum horizon (issue 25), reported
 * per interval, for one target or several ({@code --targets}) one after the other. Exits 1 when a bound given
 * ({@code --max-pickup-p99-ms}, {@code --max-claim-growth}) is passed or an enqueue failed.
 */
@Command(name = "horizon", mixinStandardHelpOptions = true,
    description = "Enqueue at a steady rate with a worker running while another session pins the vacuum horizon "
        + "(a REPEATABLE READ transaction, or overlapping analytical queries); report backlog, pickup, claim time, "
        + "dead tuples and sizes per interval, and the recovery after the release. With --targets, Spool, the SQL "
        + "floor and Graphile Worker in turn under the same pin shape, and their tables side by side.")
final class HorizonCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  HorizonSettings settings = new HorizonSettings();

  @Option(names = "--json", description = "print only the JSON line (no progress or tables on stderr)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    settings.validate();
    List<Target> targets = settings.targets();
    JsonObject result = JsonRun.print(spec, json, settings.db, (progress, uri) -> {
      List<String> plain = targets.stream().filter(t -> t != Target.SPOOL).map(Target::label).toList();
      if (settings.keys > 0 && !plain.isEmpty()) {
        progress.line("--keys %d applies to spool only: %s run%s a plain queue", settings.keys,
            String.join(", ", plain), plain.size() == 1 ? "s" : "");
      }
      return targets.size() == 1 ? new Horizon(settings, targets.get(0), progress).run(uri)
          : inTurn(targets, progress, uri);
    });
    if (!json) {
      List<JsonObject> runs = result.containsKey("runs")
          ? result.getJsonArray("runs").stream().map(JsonObject.class::cast).toList() : List.of(result);
      runs.forEach(run -> spec.commandLine().getErr().println(HorizonTable.table(run)));
      if (runs.size() > 1) {
        spec.commandLine().getErr().println(HorizonTable.sideBySide(runs));
      }
      result.getJsonArray("failed_bounds").forEach(f -> spec.commandLine().getErr().println("failed: " + f));
      spec.commandLine().getErr().flush();
    }
    return result.getJsonArray("failed_bounds").isEmpty() ? 0 : 1;
  }

  /**
   * The targets one after the other, not at once: on this 2-core box three workers at once would measure
   * each other's CPU, and one pin would hold them all from the first's start; in turn each gets the box and
   * the same pin shape, at the cost of the run's length times the targets.
   */
  private JsonObject inTurn(List<Target> targets, Progress progress, String uri) throws Exception {
    List<JsonObject> runs = new ArrayList<>();
    JsonArray failed = new JsonArray();
    for (Target target : targets) {
      progress.line("--- %s (%d of %d)", target.label(), runs.size() + 1, targets.size());
      JsonObject run = new Horizon(settings, target, progress).run(uri);
      run.getJsonArray("failed_bounds").forEach(f -> failed.add(target.label() + ": " + f));
      runs.add(run);
    }
    JsonObject first = runs.get(0);
    return new JsonObject()
        .put("command", "horizon")
        .put("targets", new JsonArray(targets.stream().map(Target::label).toList()))
        .put("order", "in turn, each with the box to itself and its own pin of the same shape")
        .put("pin", first.getString("pin"))
        .put("rate", first.getInteger("rate"))
        .put("keys", settings.keys)
        .put("failed_bounds", failed)
        .put("runs", new JsonArray(new ArrayList<>(runs)));
  }
}
