package dev.spool.cli;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.Job;
import dev.spool.JobState;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spool worker} as a supervisor sees it: a recycling limit makes it stop gracefully and exit with
 * 75 to be restarted, its admin API answering the probes until then; blocking handlers on virtual threads need Java 21, and run there by the hundred.
 */
class WorkerRecycleTest extends SpoolTestBase {

  /** A Java 21+ to run the worker with virtual threads: $SPOOL_JAVA21, else the Temurin 25 of these machines. */
  static final Path JAVA_21 = Path.of(System.getenv().getOrDefault("SPOOL_JAVA21", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));

  @TempDir
  Path dir;

  @Test
  void stuckHandlersMakeTheWorkerStopGracefullyAndExitWithTheRecycleCode() throws Exception {
    Path config = write("""
        worker:
          maxStuckHandlers: 1
          stuckGrace: 200ms
        tasks:
          spool.hang:
            timeout: 300ms
        """);
    long hang = await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 600_000)));
    long sleep = await(spool.client().enqueue(BuiltInTasks.SLEEP, new JsonObject().put("ms", 2_000)));

    CliProcess.Result result = CliProcess.run(dir, Map.of(), "worker", "--config", config.toString());

    assertThat(result.exit()).as(result.output()).isEqualTo(WorkerCommand.EXIT_RECYCLED);
    assertThat(result.output()).contains("recycling: 1 handler(s) are stuck (maxStuckHandlers 1)")
        .contains("stopped; completed 1 jobs; exiting with 75 to be restarted");
    // the run that was going finished and was acked; the stuck one was left to the rescuer, no outcome written
    assertThat(await(spool.client().find(sleep))).isEmpty();
    Job stuck = await(spool.client().find(hang)).orElseThrow();
    assertThat(stuck.state()).isEqualTo(JobState.RUNNING);
    assertThat(stuck.attempt()).isEqualTo(1);
  }

  @Test
  void aRecyclingWorkerAnswersItsProbesUntilItsLastHandlerHasFinished() throws Exception {
    Path config = write("""
        worker:
          maxStuckHandlers: 1
          stuckGrace: 200ms
        tasks:
          spool.hang:
            timeout: 300ms
        retention:
          keepCompleted: true
        """);
    Process worker = CliProcess.start(dir, Map.of(), "worker", "--config", config.toString(), "--admin-port", "0");
    CliProcess.Lines lines = CliProcess.lines(worker);
    long sleep;
    Probes probes;
    try {
      Http http = new Http(lines.adminPort(60));
      http.get("/ready"); // the first request to a fresh JVM can take seconds (connections, JIT)
      // still running when the hang trips the recycle: the worker drains it for seconds before it exits
      sleep = await(spool.client().enqueue(BuiltInTasks.SLEEP, new JsonObject().put("ms", 4_000)));
      await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 600_000)));
      probes = Probes.untilExit(worker, http);
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      worker.destroyForcibly();
    }

    assertThat(worker.exitValue()).as(lines.text()).isEqualTo(WorkerCommand.EXIT_RECYCLED);
    Job slept = await(spool.client().find(sleep)).orElseThrow();
    assertThat(slept.state()).as("the drained run finished").isEqualTo(JobState.COMPLETED);
    probes.answeredNotReadyUntil("this node is being recycled: 1 handler(s) are stuck (maxStuckHandlers 1)",
        slept.finishedAt());
  }

  @Test
  void aHeapOverItsLimitAfterGarbageCollectionMakesTheWorkerExitWithTheRecycleCode() throws Exception {
    Path config = write("""
        worker:
          maxHeapAfterGc: 0.000001
        """);
    List<Long> waiting = await(spool.client().enqueueBatch(BuiltInTasks.NOOP,
        Collections.nCopies(3, new JsonObject()), new EnqueueOptions().setDelay(java.time.Duration.ofHours(1))));

    // a young generation of 1 MB: the worker collects within its first moments
    CliProcess.Result result = CliProcess.run(dir, Map.of(), List.of(java(), "-XX:+UseSerialGC", "-Xmn1m"),
        "worker", "--config", config.toString());

    assertThat(result.exit()).as(result.output()).isEqualTo(75);
    assertThat(result.output()).contains("recycling: the heap in use after garbage collection is ");
    assertThat(count("state = 'available'")).isEqualTo(waiting.size());
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).as("deregistered").isZero();
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void virtualThreadsOnJava17AreAConfigurationErrorAndNothingStarts() throws Exception {
    Path config = write("""
        worker:
          virtualThreads: true
        """);

    CliProcess.Result result = CliProcess.run(dir, Map.of(), "worker", "--config", config.toString());

    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output()).contains("worker.virtualThreads: needs Java 21 or newer, and this is Java 17");
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  @EnabledIf("java21IsInstalled")
  void onJava21BlockingJobsRunOnVirtualThreadsByTheHundred() throws Exception {
    Path config = write("""
        worker:
          virtualThreads: true
          blockingPoolSize: 1
          concurrency: 400
        """);
    await(spool.client().enqueueBatch(BuiltInTasks.BLOCK, Collections.nCopies(400, new JsonObject().put("ms", 3_000)),
        new EnqueueOptions()));

    Process worker = CliProcess.start(dir, Map.of(), List.of(JAVA_21.toString()), "worker", "--config", config.toString());
    try {
      // one thread would take 20 minutes; virtual threads run them all at once
      eventually(java.time.Duration.ofSeconds(40), () -> count("true") == 0);
    } finally {
      worker.toHandle().destroy();
      worker.waitFor();
    }
    assertThat(new String(worker.getInputStream().readAllBytes())).doesNotContain("Thread blocked");
  }

  static boolean java21IsInstalled() {
    return Files.isExecutable(JAVA_21);
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private Path write(String worker) throws Exception {
    return Files.writeString(dir.resolve("spool.yaml"), """
        database:
          url: %s
        schema: %s
        worker:
          instances: 1
          shutdownTimeout: 10s
          heartbeatInterval: 200ms
          workerTimeout: 1s
          rescueInterval: 200ms
          leaderTtl: 1s
        """.formatted(TestDatabase.uri(), schema) + worker.replaceFirst("worker:\n", ""));
  }
}
