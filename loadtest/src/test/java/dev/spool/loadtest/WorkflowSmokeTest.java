package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code workflow --fan-in}, {@code workflow --chain} and {@code await} in-process with small counts,
 * as a user would from the jar: every step ran once, the callback saw all its parents completed, every
 * await was answered, and each command printed one JSON line with its figures. Timed figures are only
 * checked for being there, not against their targets.
 */
class WorkflowSmokeTest {

  private final String schema = TestDatabase.freshSchema();

  @AfterEach
  void dropSchema() {
    Vertx vertx = Vertx.vertx();
    try {
      TestDatabase.await(new Checks(Spool.builder(vertx).connectingTo(TestDatabase.uri())
          .options(new SpoolOptions().setSchema(schema)).build()).dropSchema());
    } finally {
      TestDatabase.await(vertx.close());
    }
  }

  @Test
  void fanInRunsEveryParentOnceThenTheCallbackAndComparesWithAPlainDrain() {
    JsonObject result = run("workflow", "--fan-in", "2000", "--db", TestDatabase.uri(), "--schema", schema,
        "--warmup-jobs", "0", "--json");
    assertThat(result.getString("shape")).isEqualTo("fan-in");
    assertThat(result.getInteger("jobs")).isEqualTo(2001);
    assertThat(result.getLong("callback_saw_completed")).isEqualTo(2000);
    assertThat(result.getLong("lost")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getBoolean("timed_out")).isFalse();
    assertThat(result.getLong("jobs_per_s")).isPositive();
    assertThat(result.getLong("plain_jobs_per_s")).isPositive();
    assertThat(result.getDouble("ratio_to_plain")).isPositive();
    // the callback ran after every parent completed (callback_saw_completed above); its lag is measured on
    // transaction start stamps, and the ack that releases it may have started a few microseconds before
    // another parent's ack that took the callback's row lock first, so it may be slightly negative
    assertThat(result.getDouble("callback_after_last_ack_ms")).isNotNull().isBetween(-1_000.0, 1_000.0);
  }

  @Test
  void chainRunsItsStepsOnceEach() {
    JsonObject result = run("workflow", "--chain", "100", "--db", TestDatabase.uri(), "--schema", schema,
        "--warmup-jobs", "0", "--json");
    assertThat(result.getString("shape")).isEqualTo("chain");
    assertThat(result.getInteger("steps")).isEqualTo(100);
    assertThat(result.getLong("lost")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getLong("steps_per_s")).isPositive();
  }

  @Test
  void everyAwaitIsAnsweredWithItsCompletedJob() {
    JsonObject result = run("await", "--jobs", "1000", "--db", TestDatabase.uri(), "--schema", schema,
        "--warmup-jobs", "0", "--json");
    assertThat(result.getLong("answered")).isEqualTo(1000);
    assertThat(result.getLong("failed")).isZero();
    assertThat(result.getLong("not_completed")).isZero();
    assertThat(result.getDouble("p99_ms")).isNotNull();
    assertThat(result.getJsonObject("from_handler_ms").getInteger("n")).isEqualTo(1000);
  }

  private static JsonObject run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    return new JsonObject(lines.get(0));
  }
}
