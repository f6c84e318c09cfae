package dev.spool.cli;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool worker --config FILE}: everything from one file, periodic jobs and handler jars included. */
class WorkerConfigTest extends SpoolTestBase {

  @TempDir
  Path dir;

  @Test
  void twoWorkerProcessesRunAOneSecondPeriodicJobOncePerSlot() throws Exception {
    // catchUp all: a leader that falls behind on a loaded machine still enqueues every slot, once
    Path config = write("spool.yaml", base() + """
        periodic:
          - name: tick
            every: 1s
            catchUp: all
            task: spool.noop
            args: {from: config}
        """);
    Process first = CliProcess.start(dir, Map.of(), "worker", "--config", config.toString());
    Process second = CliProcess.start(dir, Map.of(), "worker", "--config", config.toString());
    java.time.OffsetDateTime from;
    java.time.OffsetDateTime to;
    try {
      eventually(Duration.ofSeconds(60), () -> rows("select count(*) from {schema}.workers").get(0).getLong(0) == 2
          && countAll("task = 'spool.noop'") > 0);
      from = rows("select now() as t").get(0).getOffsetDateTime("t");
      Thread.sleep(10_000);
      to = rows("select now() as t").get(0).getOffsetDateTime("t");
    } finally {
      stop(first);
      stop(second);
    }

    List<Row> slots = rows("select run_at, count(*) as jobs, bool_and(convert_from(args, 'UTF8')::jsonb->>'from' = 'config')"
        + " as from_config from {schema}.all_jobs where task = 'spool.noop' group by run_at order by run_at");
    assertThat(slots).allSatisfy(slot -> {
      assertThat(slot.getLong("jobs")).as("jobs of slot " + slot.getValue("run_at")).isEqualTo(1);
      assertThat(slot.getBoolean("from_config")).isTrue();
    });
    long inWindow = slots.stream().map(r -> r.getOffsetDateTime("run_at"))
        .filter(t -> !t.isBefore(from) && t.isBefore(to)).count();
    assertThat(inWindow).as("slots of the 10 s both workers ran").isBetween(9L, 11L);
  }

  @Test
  void aHandlerJarNamedInTheFileServesItsTasksWithTheFilesOptions() throws Exception {
    Path jar = providerJar();
    // the retry policy names an exception class that only the handler jar has
    Path config = write("spool.yaml", base() + """
          handlerJars: [handlers/greeter.jar]
        tasks:
          greet:
            timeout: 5s
            retry:
              giveUpOn: [example.handlers.Unfixable]
        """);
    assertThat(jar).isEqualTo(dir.resolve("handlers/greeter.jar"));
    long fine = await(spool.client().enqueue(Task.json("greet"), new JsonObject().put("name", "ada")));
    long broken = await(spool.client().enqueue(Task.json("greet"), new JsonObject().put("name", "unfixable"),
        new EnqueueOptions().setMaxAttempts(5)));

    Process worker = CliProcess.start(dir, Map.of(), "worker", "--config", config.toString());
    try {
      eventually(Duration.ofSeconds(30), () -> countAll("state in ('completed', 'dead')") == 2);
    } finally {
      String output = stop(worker);
      assertThat(output).contains("greet");
    }
    assertThat(rows("select state from {schema}.all_jobs where id = " + fine).get(0).getString("state")).isEqualTo("completed");
    Row dead = rows("select state, attempt from {schema}.jobs where id = " + broken).get(0);
    assertThat(dead.getString("state")).isEqualTo("dead");
    assertThat(dead.getInteger("attempt")).as("given up at once, by the file's giveUpOn").isEqualTo(1);
  }

  @Test
  void aBadConfigurationStartsNothingAndExitsTwoWithOneLine() throws Exception {
    Path config = write("spool.yaml", base().replace("  concurrency: 10", "  concurrency: -10"));
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "worker", "--config", config.toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output().strip()).endsWith("worker.concurrency: must be at least 1, got -10")
        .contains("spool.yaml:");
    assertThat(rows("select count(*) from {schema}.workers").get(0).getLong(0)).isZero();
  }

  @Test
  void taskOptionsForATaskNoHandlerServesAreRefusedAtTheLineOfItsFirstKey() throws Exception {
    String text = base() + "tasks:\n  acc.greet:\n    timeout: 5s\n";
    int line = text.lines().toList().indexOf("    timeout: 5s") + 1;
    write("m.yaml", text);
    CliProcess.Result result = CliProcess.run(dir, Map.of(), "worker", "--config", "m.yaml");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output().strip()).startsWith("spool worker: m.yaml:" + line + ": tasks.acc.greet: "
        + "no handler serves this task (handlers: ").doesNotContain("\n");
  }

  @Test
  void taskOptionsFromTheEnvironmentForATaskNoHandlerServesNameTheVariable() throws Exception {
    CliProcess.Result result = CliProcess.run(dir, Map.of("SPOOL_TASKS_SENDD_EMAIL_TIMEOUT", "5s"), "worker",
        "--config", write("spool.yaml", base()).toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.output().strip()).startsWith("spool worker: env SPOOL_TASKS_SENDD_EMAIL_TIMEOUT: "
        + "tasks.sendd_email: no handler serves this task");
  }

  @Test
  void flagsOverrideTheFileAndTheEnvironmentOverridesTheFile() throws Exception {
    Path config = write("spool.yaml", base());
    Process worker = CliProcess.start(dir, Map.of("SPOOL_WORKER_QUEUES", "from-env"), "worker", "--config",
        config.toString(), "--workers", "2");
    try {
      eventually(Duration.ofSeconds(30), () -> rows("select count(*) from {schema}.workers").get(0).getLong(0) == 2);
      assertThat(rows("select distinct unnest(queues) as q from {schema}.workers").get(0).getString("q"))
          .isEqualTo("from-env");
    } finally {
      stop(worker);
    }
  }

  /** A configuration for the test's database and schema, with liveness settings that make tests quick. */
  private String base() {
    return """
        database:
          url: %s
        schema: %s
        retention:
          completed: 1h
        worker:
          instances: 1
          concurrency: 10
          shutdownTimeout: 5s
          heartbeatInterval: 200ms
          workerTimeout: 1s
          leaderTtl: 1s
          rescueInterval: 200ms
        """.formatted(TestDatabase.uri(), schema);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private List<Row> rows(String query) {
    List<Row> rows = new java.util.ArrayList<>();
    sql(query).forEach(rows::add);
    return rows;
  }

  /** SIGTERM, then what it printed; a worker stops gracefully with exit 0. */
  private static String stop(Process worker) throws Exception {
    CliProcess.Result stopped = CliProcess.stop(worker, 30);
    assertThat(stopped.exit()).as(stopped.output()).isZero();
    return stopped.output();
  }

  /**
   * Compiles a JobHandlerProvider into {@code handlers/greeter.jar}: task {@code greet} completes, except
   * for the name "unfixable", which throws {@code example.handlers.Unfixable}.
   */
  private Path providerJar() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/example/handlers"));
    Files.writeString(src.resolve("Unfixable.java"), """
        package example.handlers;
        public class Unfixable extends RuntimeException {
          public Unfixable(String m) { super(m); }
        }
        """);
    Files.writeString(src.resolve("Greeter.java"), """
        package example.handlers;
        import dev.spool.JobHandlers;
        import io.vertx.core.Future;
        public class Greeter implements dev.spool.spi.JobHandlerProvider {
          @Override public void register(JobHandlers handlers) {
            handlers.register("greet", (args, ctx) -> "unfixable".equals(args.getString("name"))
                ? Future.failedFuture(new Unfixable("cannot greet " + args.getString("name")))
                : Future.succeededFuture());
          }
        }
        """);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
        src.resolve("Unfixable.java").toString(), src.resolve("Greeter.java").toString());
    assertThat(status).as("javac").isZero();
    Path jar = Files.createDirectories(dir.resolve("handlers")).resolve("greeter.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("example/handlers/Greeter.class", "example/handlers/Unfixable.class")) {
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(classes.resolve(name)));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.spool.spi.JobHandlerProvider"));
      out.write("example.handlers.Greeter\n".getBytes());
      out.closeEntry();
    }
    return jar;
  }
}
