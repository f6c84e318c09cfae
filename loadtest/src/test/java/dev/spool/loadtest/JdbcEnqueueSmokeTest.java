package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@code jdbc-enqueue} in-process with small counts: it prints one JSON line with its rates (not judged). */
class JdbcEnqueueSmokeTest {

  @Test
  void printsTheRatesOfSinglesAndBatches() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("jdbc-enqueue",
        "--db", TestDatabase.uri(), "--schema", TestDatabase.freshSchema(), "--singles", "200", "--batch-jobs", "2000",
        "--batch-size", "500", "--json");
    List<String> lines = out.toString().lines().toList();
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    JsonObject result = new JsonObject(lines.get(0));
    assertThat(result.getLong("singles_committed_each_per_s")).isPositive();
    assertThat(result.getLong("singles_one_tx_per_s")).isPositive();
    assertThat(result.getLong("batch_jobs_per_s")).isPositive();
    assertThat(result.getLong("server_batch_jobs_per_s")).as("the server's own insert of the same rows").isPositive();
    assertThat(result.getDouble("batch_to_server")).isPositive();
    assertThat(result.getBoolean("batch_ratio_target_met")).isNotNull();
    assertThat(result.getLong("vertx_batch_jobs_per_s")).isPositive();
  }
}
