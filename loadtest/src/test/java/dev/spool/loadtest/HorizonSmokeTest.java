package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code horizon} in-process, short, against the SQL floor (pgbench and psql on the PATH, as for
 * {@code compare}; Spool's own target runs a worker process, which CI's smoke covers from the jar): its
 * phases, its reports' fields and the pinning session seen by the run's own horizon gauge. Timed figures are
 * not asserted.
 */
class HorizonSmokeTest {

  @Test
  void analyticalQueriesPinTheHorizonAndEveryPhaseIsReported() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("horizon",
        "--db", TestDatabase.uri(), "--target", "floor", "--pin", "analytics", "--analytics-seconds", "3",
        "--rate", "100", "--warmup", "3", "--duration", "6", "--recovery", "3", "--report-every", "3", "--json");
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    JsonObject result = new JsonObject(lines.get(0));
    assertThat(result.getString("target")).isEqualTo("floor");
    assertThat(result.getString("pin")).isEqualTo("analytics");
    JsonArray reports = result.getJsonArray("reports");
    assertThat(reports.stream().map(r -> ((JsonObject) r).getString("phase")).toList())
        .containsExactly("warmup", "pinned", "pinned", "released");
    JsonObject pinned = reports.getJsonObject(2);
    assertThat(pinned.fieldNames()).contains("backlog", "pickup_p50_ms", "pickup_p99_ms", "claim_mean_ms",
        "claim_max_ms", "dead_tuples", "table_mb", "index_mb");
    // the analytical queries overlap: some snapshot of theirs is seconds old whenever the run looks
    assertThat(pinned.getDouble("horizon_age_s")).isGreaterThanOrEqualTo(1.0);
    assertThat(result.getLong("jobs")).isGreaterThan(1000);
    assertThat(result.getJsonArray("failed_bounds")).isEmpty();
  }

  @Test
  void anUnknownPinIsRefusedBeforeAnyWork() {
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("horizon", "--db", TestDatabase.uri(), "--pin", "forever");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--pin is none, repeatable-read or analytics, got forever");
  }
}
