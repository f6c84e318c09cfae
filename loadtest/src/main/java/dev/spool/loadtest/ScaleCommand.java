package dev.spool.loadtest;

import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scale}: the drain rate and the cost per job while one dimension grows (history kept, a backlog due
 * later, queues, payload, worker processes), each size against the first in the same run. Prints a table
 * and one JSON line; exits 1 when a job was lost or a step timed out, not when a target is missed (the
 * table says which).
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Drain rate and cost per job as one dimension grows: history, backlog, queues, payload or processes.")
final class ScaleCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DrainSettings settings = new DrainSettings();

  @Option(names = "--dimension", required = true,
      description = "what grows: history, backlog, queues, payload or processes")
  String dimension;

  @Option(names = "--sizes", description = "comma-separated sizes, the first the baseline (defaults: history "
      + "0,1000000,10000000; backlog 0,1000000; queues 1,100,1000; payload 100,10000,100000 bytes; processes 1,2,4)")
  String sizes;

  @Option(names = "--idle-seconds", defaultValue = "10",
      description = "with queues: seconds of idle statements/s measured after each drain (default: ${DEFAULT-VALUE})")
  int idleSeconds;

  @Option(names = "--json", description = "print only the JSON line (no progress or table)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Scale.Dimension dim;
    List<Integer> parsed;
    try {
      dim = Scale.Dimension.valueOf(dimension.toUpperCase(Locale.ROOT));
      parsed = parseSizes(sizes == null ? dim.defaultSizes : sizes, dim);
      if (idleSeconds < 1) {
        throw new IllegalArgumentException("--idle-seconds must be at least 1");
      }
      settings.validate();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage().startsWith("No enum constant")
          ? "--dimension must be history, backlog, queues, payload or processes; got " + dimension : e.getMessage());
      return 2;
    }
    Progress progress = json ? Progress.quiet() : Progress.to(err);
    JsonObject result;
    try (DatabaseChoice database = DatabaseChoice.resolve(settings.db, true, line -> progress.line("%s", line))) {
      result = new Scale(settings, dim, parsed, idleSeconds, progress).run(database.uri());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      print(out, result);
    }
    out.println(result.encode());
    out.flush();
    return result.getBoolean("failed") ? 1 : 0;
  }

  static List<Integer> parseSizes(String text, Scale.Dimension dim) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      try {
        int size = Integer.parseInt(part.strip());
        int least = dim == Scale.Dimension.HISTORY || dim == Scale.Dimension.BACKLOG ? 0 : 1;
        if (size < least) {
          throw new IllegalArgumentException("--sizes of " + dim.label() + " must be at least " + least + "; got " + size);
        }
        out.add(size);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--sizes must be comma-separated whole numbers; got " + text);
      }
    }
    if (out.size() < 2) {
      throw new IllegalArgumentException("--sizes needs a baseline and at least one more size; got " + text);
    }
    return out;
  }

  private static void print(PrintWriter out, JsonObject result) {
    out.printf(Locale.ROOT, "%nscale: %s, %,d jobs a step, each step against the first%n", result.getString("dimension"),
        result.getInteger("jobs"));
    out.printf(Locale.ROOT, "%12s %10s %8s %12s %11s %10s  %s%n", "size", "jobs/s", "ratio", "database µs", "client µs",
        "WAL B/job", "also");
    for (Object o : result.getJsonArray("steps")) {
      JsonObject step = (JsonObject) o;
      JsonObject cost = step.getJsonObject("cost");
      String also = step.containsKey("idle_statements_per_s") ? "idle " + step.getDouble("idle_statements_per_s") + " statements/s"
          : step.containsKey("payload_mb_per_s") ? step.getDouble("payload_mb_per_s") + " MB/s of payload" : "";
      out.printf(Locale.ROOT, "%,12d %,10d %8.2f %12s %11s %10s  %s%n", step.getInteger("size"),
          step.getLong("drain_jobs_per_s"), step.getDouble("ratio_to_baseline"), cost.getValue("pg_cpu_us_per_job"),
          cost.getValue("client_cpu_us_per_job"), cost.getValue("wal_bytes_per_job"), also);
    }
    if (result.getValue("target_met") != null) {
      out.printf(Locale.ROOT, "target: %s%s -> %s%n", result.getValue("target_ratio") == null ? ""
              : "every size >= " + result.getValue("target_ratio") + " x the baseline's rate",
          "queues".equals(result.getString("dimension")) ? "; idle <= " + Scale.IDLE_TARGET + " statements/s with the last size"
              : "", result.getBoolean("target_met") ? "met" : "MISSED");
    }
  }
}
