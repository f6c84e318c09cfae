package dev.spool.cli;

import dev.spool.embedded.DatabaseChoice;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.BuiltInTasks;
import dev.spool.spi.JobHandlerProvider;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs worker verticles until SIGTERM (or Ctrl-C), then shuts down gracefully: stops claiming, lets
 * running handlers finish up to the shutdown timeout, writes their outcomes and hands the rest back.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run worker verticles with the built-in tasks and every JobHandlerProvider on the class path.")
final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--schema", defaultValue = "spool", description = "schema (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(names = "--queues", split = ",", defaultValue = "default", description = "queues to work (default: ${DEFAULT-VALUE})")
  List<String> queues;

  @Option(names = "--concurrency", description = "handlers at once per queue and verticle (default: "
      + WorkerOptions.DEFAULT_CONCURRENCY + ")")
  Integer concurrency;

  @Option(names = "--workers", defaultValue = "2", description = "worker verticles (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(names = "--shutdown-timeout", defaultValue = "30", description = "seconds running handlers get at shutdown (default: ${DEFAULT-VALUE})")
  int shutdownSeconds;

  @Option(names = "--no-migrate", description = "do not create or update the schema at start")
  boolean noMigrate;

  @Mixin
  AdminServerOptions admin = new AdminServerOptions();

  @Override
  public Integer call() throws Exception {
    try {
      admin.validate();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    WorkerOptions options = new WorkerOptions().setQueues(queues)
        .setShutdownTimeout(java.time.Duration.ofSeconds(shutdownSeconds));
    if (concurrency != null) {
      options.setConcurrency(concurrency);
    }
    JobHandlers handlers = BuiltInTasks.register(new JobHandlers());
    for (JobHandlerProvider provider : ServiceLoader.load(JobHandlerProvider.class)) {
      provider.register(handlers);
    }
    try (DatabaseChoice database = DatabaseChoice.resolve(db, false, System.out::println)) {
      Vertx vertx = admin.newVertx();
      Spool spool = admin.listen(Spool.builder(vertx).connectingTo(database.uri()).schema(schema)).build();
      if (!noMigrate) {
        Await.result(spool.migrate());
      }
      String adminLine = admin.start(vertx, spool); // before the hook: a port in use fails the command
      // The hook goes in before the first claim, so a SIGTERM at any moment stops gracefully.
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("stopping: finishing running jobs and handing back the rest");
        try {
          Await.result(vertx.close()); // undeploys the workers, each stopping gracefully
        } catch (Exception e) {
          System.err.println("shutdown: " + e);
        }
        System.out.println("stopped; completed " + spool.stats().completed() + " jobs");
        System.out.flush();
        stopped.countDown();
        // A clean stop on SIGTERM is a success, not the JVM's default 143.
        Runtime.getRuntime().halt(0);
      }, "spool-shutdown"));
      Await.result(spool.deployWorkers(options, handlers, workers));
      System.out.printf("spool worker %s: %d verticles on queues %s, tasks %s%n", spool.nodeId(), workers, queues,
          handlers.taskNames());
      if (adminLine != null) {
        System.out.println(adminLine);
      }
      stopped.await();
      return 0;
    }
  }
}
