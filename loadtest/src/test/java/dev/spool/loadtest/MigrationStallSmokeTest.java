package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code migration-stall} in-process on a small table, from V010 to V011 (the migrations whose index builds
 * ran outside their transaction): one line per migration with its duration and the probes' longest runs. The
 * stalls are bounded loosely here (a busy test machine); the full-size figures are the docs'.
 */
class MigrationStallSmokeTest {

  @Test
  void reportsEachMigrationsDurationAndTheLongestEnqueueAndClaimDuringIt() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
        "migration-stall", "--db", TestDatabase.uri(), "--schema", TestDatabase.freshSchema(), "--rows", "20000",
        "--from", "10", "--to", "11", "--max-stall-ms", "5000", "--json");
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    JsonObject result = new JsonObject(lines.get(0));
    assertThat(result.getLong("rows")).isEqualTo(20000);
    assertThat(result.getJsonArray("migrations").stream().map(m -> ((JsonObject) m).getInteger("version")).toList())
        .containsExactly(10, 11);
    JsonObject keys = result.getJsonArray("migrations").getJsonObject(1);
    assertThat(keys.getString("name")).isEqualTo("keys");
    assertThat(keys.getDouble("duration_ms")).isPositive();
    assertThat(keys.getInteger("enqueues")).as("the probe ran during the migration").isPositive();
    assertThat(keys.getInteger("claims")).isPositive();
    assertThat(keys.getLong("probe_errors")).isZero();
    assertThat(result.getJsonArray("over_max_stall")).isEmpty();
  }

  @Test
  void aMigrationOutsideThisBuildIsRefusedBeforeAnyWork() {
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("migration-stall", "--db", TestDatabase.uri(), "--from", "1");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--from is 2 to ");
  }
}
