package dev.spool.cli;

import dev.spool.embedded.DatabaseChoice;
import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobAdmin;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.config.ConfigSource;
import dev.spool.config.SpoolConfig;
import dev.spool.BuiltInTasks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Spool end to end in one command: a database (embedded unless given), the schema, worker verticles with
 * the built-in tasks, a mixed workload with failures and retries, live progress and a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a mixed workload through Spool and print what happened.")
final class DemoCommand implements Callable<Integer> {

  /** Out of every 20 jobs: 16 no-ops, 2 sleeps, 1 that fails twice then succeeds, 1 that ends dead. */
  static final int MIX = 20;
  /** Held so the level set on it is not lost when the logger is garbage collected. */
  private static final Logger SPOOL_LOGGER = Logger.getLogger("dev.spool");

  @Mixin
  ConfigOption config = new ConfigOption();

  @Option(names = "--db", description = "postgresql:// URI (database.url, $SPOOL_DATABASE_URL; else an embedded PostgreSQL)")
  String db;

  @Option(names = "--jobs", defaultValue = "10000", description = "jobs to enqueue (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--workers", description = "worker verticles (worker.instances; default: 2)")
  Integer workers;

  @Option(names = "--schema", description = "schema (schema; default: spool_demo, not the configuration's default)")
  String schema;

  private SpoolConfig settings;

  @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait for the jobs (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--verbose", description = "log every retry and dead letter")
  boolean verbose;

  @Option(names = "--stay", description = "after the summary, keep the workers and the dashboard (--admin-port) "
      + "running until Ctrl-C, to look around")
  boolean stay;

  @Mixin
  AdminServerOptions admin = new AdminServerOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      // The demo fails jobs on purpose; its progress lines say more than a log line per failure.
      SPOOL_LOGGER.setLevel(Level.SEVERE);
    }
    if (jobs < 1) {
      throw UsageErrors.usage(spec, "--jobs must be at least 1, got " + jobs);
    }
    if (timeoutSeconds < 1) {
      throw UsageErrors.usage(spec, "--timeout must be at least 1 (seconds), got " + timeoutSeconds);
    }
    config.flag("database.url", db, "--db").flag("schema", schema, "--schema").flag("worker.instances", workers, "--workers");
    admin.addFlags(config);
    try {
      settings = config.load(HandlerJars.class.getClassLoader());
      admin.configure(settings);
    } catch (IllegalArgumentException e) {
      if (UsageErrors.ofConfig(spec, e) instanceof ParameterException usage) {
        throw usage;
      }
      System.err.println(e.getMessage());
      return 2;
    }
    if (stay && !admin.enabled()) {
      throw UsageErrors.usage(spec, "--stay keeps the dashboard up for you to look at: give it --admin-port too");
    }
    DatabaseChoice database = DatabaseChoice.resolve(settings.databaseUrl(), true, System.out::println);
    Vertx vertx = admin.newVertx();
    int status;
    try {
      status = run(vertx, database);
    } catch (Exception | Error e) {
      closeAll(vertx, database);
      throw e;
    }
    if (status != 0 || !stay) {
      closeAll(vertx, database);
      return status;
    }
    System.out.println("Still running (--stay): the workers and the dashboard stay up; Ctrl-C stops them");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll(vertx, database);
      System.out.println("stopped");
      System.out.flush();
      stopped.countDown();
      Runtime.getRuntime().halt(0); // a Ctrl-C that stops cleanly is a success
    }, "spool-demo-shutdown"));
    stopped.await();
    return 0;
  }

  /** Stops the workers and the admin server, then the embedded PostgreSQL when there is one. */
  private static void closeAll(Vertx vertx, DatabaseChoice database) {
    try {
      Await.result(vertx.close());
    } catch (Exception e) {
      System.err.println("stopping: " + e);
    } finally {
      database.close();
    }
  }

  private int run(Vertx vertx, DatabaseChoice database) throws Exception {
    // Completed jobs are kept so the summary can count them from the table.
    SpoolOptions options = settings.spoolOptions().setKeepCompleted(true);
    boolean schemaChosen = settings.entries().stream()
        .anyMatch(e -> e.path().equals("schema") && e.source() != ConfigSource.DEFAULT);
    if (!schemaChosen) {
      options.setSchema("spool_demo"); // the demo's own schema, apart from an application's "spool"
    }
    String schema = options.getSchema();
    Spool spool = admin.listen(Spool.builder(vertx).connectingTo(database.uri()).options(options)).build();
    Await.result(spool.migrate());
    System.out.printf("Schema %s ready on %s%n", schema, database.isEmbedded() ? "the embedded PostgreSQL" : database.uri());

    HandlerOptions quickRetries = new HandlerOptions().setRetryPolicy(new RetryPolicy()
        .setBase(Duration.ofMillis(200)).setFactor(2).setMaxDelay(Duration.ofSeconds(2)));
    JobHandlers handlers = BuiltInTasks.register(new JobHandlers(), quickRetries);
    int instances = settings.workerInstances();
    Await.result(spool.deployWorkers(settings.workerOptions(), handlers, instances));
    String adminLine = admin.start(vertx, spool);
    if (adminLine != null) {
      System.out.println(adminLine);
    }

    long started = System.nanoTime();
    List<Long> ids = enqueue(spool);
    double enqueueSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("Enqueued %,d jobs in %.2f s (%,.0f jobs/s) to %d worker verticles%n",
        jobs, enqueueSeconds, jobs / enqueueSeconds, instances);
    long first = ids.stream().mapToLong(Long::longValue).min().orElseThrow();
    long last = ids.stream().mapToLong(Long::longValue).max().orElseThrow();

    JobAdmin operator = spool.admin(); // its pool closes with Vert.x
    Map<JobState, Long> counts;
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (true) {
      Thread.sleep(500);
      counts = Await.result(operator.countByState(first, last));
      long open = counts.getOrDefault(JobState.AVAILABLE, 0L) + counts.getOrDefault(JobState.SCHEDULED, 0L)
          + counts.getOrDefault(JobState.RUNNING, 0L);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("  %5.1f s  %s%n", seconds, describe(counts));
      if (open == 0) {
        break;
      }
      if (System.nanoTime() > deadline) {
        System.err.printf("gave up after %d s with %d jobs still open%n", timeoutSeconds, open);
        return 1;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.println();
    System.out.println("Summary");
    for (JobState state : JobState.values()) {
      System.out.printf("  %-10s %,8d%n", state.sqlName(), counts.getOrDefault(state, 0L));
    }
    System.out.printf("  %,d jobs finished in %.2f s: %,.0f jobs/s (retries and their backoff included)%n",
        jobs, seconds, jobs / seconds);
    long expectedDead = jobs / MIX + (jobs % MIX > MIX - 1 ? 1 : 0);
    if (counts.getOrDefault(JobState.DEAD, 0L) != expectedDead
        || counts.getOrDefault(JobState.COMPLETED, 0L) != jobs - expectedDead) {
      System.err.printf("unexpected outcome: expected %d completed and %d dead%n", jobs - expectedDead, expectedDead);
      return 1;
    }
    return 0;
  }

  private List<Long> enqueue(Spool spool) throws Exception {
    List<Long> ids = new ArrayList<>(jobs);
    List<JobRequest<?>> batch = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      batch.add(job(i));
      if (batch.size() == 1000 || i == jobs - 1) {
        ids.addAll(Await.result(spool.client().enqueueAll(batch)));
        batch.clear();
      }
    }
    return ids;
  }

  private static JobRequest<JsonObject> job(int i) {
    int kind = i % MIX;
    if (kind < 16) {
      return JobRequest.of(BuiltInTasks.NOOP, new JsonObject().put("i", i));
    } else if (kind < 18) {
      return JobRequest.of(BuiltInTasks.SLEEP, new JsonObject().put("ms", 1 + i % 50));
    } else if (kind == 18) {
      return new JobRequest<>(BuiltInTasks.FAIL, new JsonObject().put("times", 2), new EnqueueOptions().setMaxAttempts(5));
    } else {
      return new JobRequest<>(BuiltInTasks.FAIL, new JsonObject().put("times", 9), new EnqueueOptions().setMaxAttempts(2));
    }
  }

  private static String describe(Map<JobState, Long> counts) {
    StringBuilder line = new StringBuilder();
    for (JobState state : JobState.values()) {
      line.append(String.format("%s %,d  ", state.sqlName(), counts.getOrDefault(state, 0L)));
    }
    return line.toString().strip();
  }
}
