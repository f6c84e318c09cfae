package dev.spool.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The cost columns of {@code compare}: per job drained, database CPU, client CPU and WAL bytes of the floor
 * and of Spool side by side (medians over rounds), with the cost targets: WAL ≤ 1.1 × the floor's in
 * delete and keep mode, database CPU ≤ 1.0 × the floor's, the JVM's CPU ≤ 5 µs, drain ≥ 1.2 × the floor.
 */
final class CostTable {

  static final double TARGET_WAL_RATIO = 1.1;
  static final double TARGET_DB_CPU_RATIO = 1.0;
  static final double TARGET_JVM_CPU_US = 5.0;
  static final double TARGET_THROUGHPUT_RATIO = 1.2;

  private static final List<String> RUNS = List.of("floor_delete", "floor_keep", "drain", "drain_keep");
  private static final List<String> COSTS = List.of("pg_cpu_us_per_job", "client_cpu_us_per_job",
      "client_jit_cpu_us_per_job", "wal_bytes_per_job");

  private CostTable() {}

  /** Puts the median of every run's cost figures over the rounds into {@code figures}. */
  static void medians(List<JsonObject> perRound, JsonObject figures) {
    for (String run : RUNS) {
      for (String cost : COSTS) {
        figures.put(run + "_" + cost, CompareCommand.median(perRound, run + "_" + cost));
      }
    }
  }

  static void print(PrintWriter out, JsonObject f, int rounds) {
    out.printf(Locale.ROOT, "%ncost per job, median of %d round(s) (client: pgbench for the floor, the JVM for Spool)%n", rounds);
    out.printf(Locale.ROOT, "%-22s %14s %16s %12s%n", "run", "database µs", "client µs", "WAL bytes");
    for (String run : RUNS) {
      out.printf(Locale.ROOT, "%-22s %14s %16s %12s%n", run.replace('_', ' '), fmt(f, run + "_pg_cpu_us_per_job"),
          fmt(f, run + "_client_cpu_us_per_job"), fmt(f, run + "_wal_bytes_per_job"));
    }
    out.println("targets");
    for (String[] pair : new String[][] {{"drain", "floor_delete"}, {"drain_keep", "floor_keep"}}) {
      target(out, pair[0] + " WAL / " + pair[1] + " WAL", ratio(f, pair[0] + "_wal_bytes_per_job", pair[1] + "_wal_bytes_per_job"),
          TARGET_WAL_RATIO, true);
      target(out, pair[0] + " database CPU / " + pair[1], ratio(f, pair[0] + "_pg_cpu_us_per_job", pair[1] + "_pg_cpu_us_per_job"),
          TARGET_DB_CPU_RATIO, true);
    }
    target(out, "drain JVM CPU µs per job", f.getDouble("drain_client_cpu_us_per_job"), TARGET_JVM_CPU_US, true);
    // not a target: what a long-lived worker would pay once its JIT compilers are done
    Double jvm = f.getDouble("drain_client_cpu_us_per_job");
    Double jit = f.getDouble("drain_client_jit_cpu_us_per_job");
    if (jvm != null && jit != null) {
      out.printf(Locale.ROOT, "  %-40s %8.2f   (of it JIT compilers %.1f)%n", "drain JVM CPU µs per job outside the JIT",
          jvm - jit, jit);
    }
    target(out, "drain / floor delete jobs/s", f.getDouble("ratio_drain_floor_delete"), TARGET_THROUGHPUT_RATIO, false);
  }

  private static void target(PrintWriter out, String what, Double value, double target, boolean atMost) {
    String verdict = value == null ? "n/a" : (atMost ? value <= target : value >= target) ? "met" : "MISSED";
    out.printf(Locale.ROOT, "  %-40s %8s   (%s %.1f) %s%n", what, value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value),
        atMost ? "<=" : ">=", target, verdict);
  }

  private static Double ratio(JsonObject f, String numerator, String denominator) {
    Double a = f.getDouble(numerator);
    Double b = f.getDouble(denominator);
    return a == null || b == null || b == 0 ? null : Math.round(1000.0 * a / b) / 1000.0;
  }

  private static String fmt(JsonObject f, String key) {
    Double v = f.getDouble(key);
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
  }
}
