package dev.spool.cli;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.BuiltInTasks;
import dev.spool.Job;
import dev.spool.impl.sql.Migrations;
import dev.spool.JobState;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerCommandTest extends SpoolTestBase {

  @Test
  void sigtermFinishesRunningJobsAndHandsBackTheRest() throws Exception {
    await(spool.client().enqueueBatch(BuiltInTasks.SLEEP,
        Collections.nCopies(5, new JsonObject().put("ms", 1500)), new EnqueueOptions()));
    Process worker = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), SpoolCommand.class.getName(),
        "worker", "--db", TestDatabase.uri(), "--schema", schema, "--workers", "1", "--concurrency", "2")
        .redirectErrorStream(true).start();
    eventually(Duration.ofSeconds(30), () -> count("state = 'running'") == 5); // 2 running + 3 prefetched

    CliProcess.Result stopped = CliProcess.stop(worker, 30);
    String output = stopped.output();
    assertThat(stopped.exit()).as(output).isZero();
    assertThat(output).contains("stopped; completed 2 jobs");
    // the two that were running finished and were acked; the three waiting went straight back
    assertThat(count("true")).isEqualTo(3);
    assertThat(count("state = 'available' and attempt = 0 and lease_owner is null")).isEqualTo(3);
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  void whileItFinishesItsRunningJobsAfterSigtermItsAdminApiSaysItIsStopping() throws Exception {
    Process worker = CliProcess.start(Path.of("."), Map.of("SPOOL_RETENTION_KEEP_COMPLETED", "true"), "worker",
        "--db", TestDatabase.uri(), "--schema", schema, "--workers", "1", "--admin-port", "0");
    CliProcess.Lines lines = CliProcess.lines(worker);
    long sleep;
    Probes probes;
    try {
      Http http = new Http(lines.adminPort(60));
      http.get("/ready"); // the first request to a fresh JVM can take seconds (connections, JIT)
      sleep = await(spool.client().enqueue(BuiltInTasks.SLEEP, new JsonObject().put("ms", 4_000)));
      eventually(Duration.ofSeconds(30), () -> count("state = 'running'") == 1);
      worker.toHandle().destroy(); // SIGTERM
      probes = Probes.untilExit(worker, http);
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      worker.destroyForcibly();
    }

    assertThat(worker.exitValue()).as(lines.text()).isZero();
    Job slept = await(spool.client().find(sleep)).orElseThrow();
    assertThat(slept.state()).as("the drained run finished").isEqualTo(JobState.COMPLETED);
    probes.answeredNotReadyUntil("this node is stopping: it finishes its running jobs and claims no more",
        slept.finishedAt());
  }

  @Test
  void aWorkerWithZeroVerticlesIsABadUsageAndStartsNothing() throws Exception {
    CliProcess.Result result = CliProcess.run(Path.of("."), Map.of(), "worker", "--db", TestDatabase.uri(),
        "--schema", schema, "--workers", "0");
    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output()).contains("worker.instances", "must be at least 1, got 0");
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  void aWorkerWithoutADatabaseSaysSoAndExitsNonZero() throws Exception {
    Process worker = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), SpoolCommand.class.getName(), "worker")
        .redirectErrorStream(true).start();
    String out = new String(worker.getInputStream().readAllBytes());
    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.exitValue()).isNotZero();
    assertThat(out).contains("no database");
  }

  @Test
  void withMigrationOffAWorkerAgainstAnOlderSchemaExitsOneSayingWhatToRun() throws Exception {
    int latest = Migrations.latest();
    sql("delete from {schema}.schema_version where version = $1", latest); // a migration this build has, not the schema

    CliProcess.Result result = CliProcess.run(Path.of("."), Map.of(), "worker", "--db", TestDatabase.uri(),
        "--schema", schema, "--workers", "1", "--no-migrate");

    assertThat(result.exit()).as(result.output()).isEqualTo(1);
    assertThat(result.output().lines().toList()).as("one line, no stack trace, no graceful stop reported")
        .containsExactly("spool worker: schema " + schema + " is at version " + (latest - 1) + ", older than this "
            + "Spool's " + latest + ": run `spool migrate` (or Spool.migrate()) first, or let the worker migrate at "
            + "start (worker.migrate: true)");
    assertThat(sql("select max(version) from {schema}.schema_version").iterator().next().getInteger(0))
        .as("nothing migrated").isEqualTo(latest - 1);
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  void aWorkerAgainstADatabaseThatDoesNotExistExitsOneSayingSo() throws Exception {
    String missing = TestDatabase.uri().replaceFirst("/[^/?]+(\\?|$)", "/spool_no_such_database$1");
    for (List<String> migrate : List.of(List.<String>of(), List.of("--no-migrate"))) {
      List<String> args = new ArrayList<>(List.of("worker", "--db", missing, "--workers", "1"));
      args.addAll(migrate);

      CliProcess.Result result = CliProcess.run(Path.of("."), Map.of(), args.toArray(String[]::new));

      assertThat(result.exit()).as(args + ": " + result.output()).isEqualTo(1);
      assertThat(result.output().lines().toList()).as(args + ": one line, no stack trace").singleElement()
          .asString().startsWith("spool worker: cannot connect to " + missing + ": ")
          .contains("database \"spool_no_such_database\" does not exist");
    }
  }

  @Test
  void aWorkerWhoseAdminPortIsTakenExitsOneNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliProcess.Result result = CliProcess.run(Path.of("."), Map.of(), "worker", "--db", TestDatabase.uri(),
          "--schema", schema, "--workers", "1", "--admin-port", String.valueOf(taken.getLocalPort()));

      assertThat(result.exit()).as(result.output()).isEqualTo(1);
      assertThat(result.output().lines().toList()).as("one line, no stack trace").singleElement().asString()
          .startsWith("spool worker: the admin API cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (admin.port): ");
    }
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }
}
