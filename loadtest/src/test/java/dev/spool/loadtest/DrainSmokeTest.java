package dev.spool.loadtest;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs {@code drain} in-process with a few thousand jobs, as a user would from the jar, and checks its
 * accounting: every job ran exactly once and the JSON line says so. Timed figures are not asserted.
 */
class DrainSmokeTest {

  private final String schema = TestDatabase.freshSchema();

  @AfterEach
  void dropSchema() {
    withChecks(checks -> await(checks.dropSchema()));
  }

  @Test
  void drainRunsEveryJobOnceAndPrintsOneJsonLine() {
    JsonObject result = run("drain", "--db", TestDatabase.uri(), "--schema", schema, "--jobs", "2000",
        "--enqueue-batch", "500", "--warmup-jobs", "500", "--json");
    assertThat(result.getInteger("jobs")).isEqualTo(2000);
    assertThat(result.getLong("lost")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getBoolean("timed_out")).isFalse();
    assertThat(result.getLong("drain_jobs_per_s")).isPositive();
    assertThat(result.getInteger("workers")).isEqualTo(WorkerSettings.DEFAULT_WORKERS);
    assertThat(result.getInteger("warmup_jobs")).isEqualTo(500);
  }

  @Test
  void keepModeLeavesEveryJobCompleted() {
    JsonObject result = run("drain", "--db", TestDatabase.uri(), "--schema", schema, "--jobs", "2000", "--keep",
        "--warmup-jobs", "0", "--workers", "1", "--batch", "100", "--json");
    assertThat(result.getBoolean("keep")).isTrue();
    assertThat(result.getLong("lost")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getInteger("batch")).isEqualTo(100);
    withChecks(checks -> assertThat(await(checks.countJobs())).as("open and completed rows").containsExactly(0, 2000));
  }

  @Test
  void drainsABuiltInBlockingTaskOnItsPoolAndCountsBlockedThreadWarnings() {
    JsonObject result = run("drain", "--db", TestDatabase.uri(), "--schema", schema, "--jobs", "300", "--warmup-jobs", "0",
        "--task", "spool.block", "--args", "{\"ms\":5}", "--blocking-pool", "8", "--json");
    assertThat(result.getString("task")).isEqualTo("spool.block");
    assertThat(result.getJsonObject("args")).isEqualTo(new JsonObject().put("ms", 5));
    assertThat(result.getLong("lost")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getInteger("blocking_pool")).isEqualTo(8);
    assertThat(result.getInteger("max_concurrent_handlers")).isBetween(1, 8);
    assertThat(result.getLong("thread_blocked_warnings")).isZero();
  }

  @Test
  void aTaskThatIsNotBuiltInIsRefusedBeforeAnyWork() {
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("drain", "--db", TestDatabase.uri(), "--schema", schema, "--task", "send-email");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--task must be a built-in task").contains("spool.block");
  }

  private void withChecks(Consumer<Checks> use) {
    Vertx vertx = Vertx.vertx();
    try {
      use.accept(new Checks(Spool.builder(vertx).connectingTo(TestDatabase.uri())
          .options(new SpoolOptions().setSchema(schema)).build()));
    } finally {
      await(vertx.close());
    }
  }

  private static JsonObject run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int exit = command.execute(args);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).as("stdout (stderr: %s)", err).hasSize(1);
    assertThat(exit).as("exit code (stderr: %s)", err).isZero();
    return new JsonObject(lines.get(0));
  }
}
