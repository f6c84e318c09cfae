package dev.spool.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The horizon run's reports as Markdown tables (as docs/performance.md shows them): one per target, and the
 * targets of a {@code --targets} run side by side, window by window. Both read only the result's JSON, so a
 * saved JSON line renders the same tables again.
 */
final class HorizonTable {

  private HorizonTable() {}

  /** One run's reports, a row each, then its recovery. */
  static String table(JsonObject run) {
    StringBuilder out = new StringBuilder();
    int keys = run.getInteger("keys", 0);
    out.append(String.format(Locale.ROOT, "%n%s%s, %,d jobs/s, pin %s:%n%n", run.getString("target"),
        keys > 0 ? String.format(Locale.ROOT, " (fair, %,d keys)", keys) : "", run.getInteger("rate"),
        run.getString("pin")));
    out.append("| t s | phase | backlog | pickup p50 / p99 ms | claim mean (max) ms | claim buffers "
        + "| dead tuples (pgstattuple) | table + index MB | vacuums | horizon age s | load 1m |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : reports(run)) {
      out.append(String.format(Locale.ROOT, "| %d | %s | %,d | %s / %s | %s (%s) | %s | %,d%s | %s + %s | %d | %s | %s |%n",
          r.getLong("t_s"), r.getString("phase"), r.getLong("backlog"), text(r, "pickup_p50_ms"),
          text(r, "pickup_p99_ms"), text(r, "claim_mean_ms"), text(r, "claim_max_ms"), text(r, "claim_buffers_mean"),
          r.getLong("dead_tuples"), r.containsKey("table_dead_exact")
              ? String.format(Locale.ROOT, " (%,d)", r.getLong("table_dead_exact")) : "",
          text(r, "table_mb"), text(r, "index_mb"), r.getLong("vacuums"), text(r, "horizon_age_s"),
          text(r, "load_1m")));
    }
    JsonObject recovery = run.getJsonObject("recovery");
    if (recovery != null && recovery.containsKey("watched_s")) {
      out.append(String.format(Locale.ROOT, "%nafter the release: latency back in %s s, size back in %s s "
          + "(watched %d s)%n", text(recovery, "latency_back_s"), text(recovery, "size_back_s"),
          recovery.getInteger("watched_s")));
    }
    return out.toString();
  }

  /** Several runs' reports side by side, window by window (they share the windows: the same settings). */
  static String sideBySide(List<JsonObject> runs) {
    StringBuilder header = new StringBuilder("| t s | phase |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (JsonObject run : runs) {
      String t = run.getString("target");
      header.append(String.format(Locale.ROOT, " %1$s backlog | %1$s pickup p50 / p99 ms | %1$s claim ms (buffers) "
          + "| %1$s dead tuples | %1$s table + index MB |", t));
      rule.append("---|---|---|---|---|");
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nside by side, %,d jobs/s, pin %s:%n%n",
        runs.get(0).getInteger("rate"), runs.get(0).getString("pin")));
    out.append(header).append('\n').append(rule).append('\n');
    int rows = runs.stream().mapToInt(r -> reports(r).size()).max().orElse(0);
    List<JsonObject> longest = runs.stream().map(HorizonTable::reports).filter(r -> r.size() == rows).findFirst()
        .orElse(List.of());
    for (int i = 0; i < rows; i++) {
      out.append(String.format(Locale.ROOT, "| %d | %s |", longest.get(i).getLong("t_s"),
          longest.get(i).getString("phase")));
      for (JsonObject run : runs) {
        List<JsonObject> reports = reports(run);
        if (i >= reports.size()) {
          out.append(" | | | | |");
          continue;
        }
        JsonObject r = reports.get(i);
        out.append(String.format(Locale.ROOT, " %,d | %s / %s | %s (%s) | %,d | %s + %s |", r.getLong("backlog"),
            text(r, "pickup_p50_ms"), text(r, "pickup_p99_ms"), text(r, "claim_mean_ms"),
            text(r, "claim_buffers_mean"), r.getLong("dead_tuples"), text(r, "table_mb"), text(r, "index_mb")));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static List<JsonObject> reports(JsonObject run) {
    JsonArray reports = run.getJsonArray("reports", new JsonArray());
    return reports.stream().map(JsonObject.class::cast).toList();
  }

  /** A figure as the table shows it: a dash when the window had none (no pickup, no probe). */
  private static String text(JsonObject r, String key) {
    Object value = r.getValue(key);
    return value == null ? "–" : String.valueOf(value);
  }
}
