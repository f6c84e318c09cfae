package dev.spool.cli;

import dev.spool.JobHandlers;
import dev.spool.PeriodicJob;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.config.SpoolConfig;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs worker verticles until SIGTERM (or Ctrl-C), then shuts down gracefully: stops claiming, lets
 * running handlers finish up to the shutdown timeout, writes their outcomes and hands the rest back.
 * Everything it runs with comes from the configuration ({@code --config}, {@code SPOOL_*}), which its
 * flags override: queues and worker settings, per-queue limits, per-task handler options, periodic jobs,
 * retention, vacuum, history and the admin API.
 *
 * <p>When a recycling limit trips ({@code worker.maxStuckHandlers}, {@code worker.maxHeapAfterGc}) it shuts
 * down the same way and exits with {@link #EXIT_RECYCLED}, for a supervisor to start it afresh (systemd:
 * {@code Restart=on-failure}, or {@code Restart=always}).
 *
 * <p>While it stops, either way, its admin API stays up to the end, {@code /ready} answering 503 with the
 * reason and {@code /health} 200, so that probes see a node draining, not a refused connection.
 *
 * <p>When it cannot start it exits 1, never 0, so a supervisor sees the failure: a schema it may not work against
 * (with {@code worker.migrate: false}), a database it cannot reach or log into, or an admin port in use is
 * one line saying what to fix; an unexpected failure (a handler's verticle failing to deploy) keeps its
 * stack trace.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run worker verticles with the built-in tasks and every JobHandlerProvider of the handler jars.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM or Ctrl-C, gracefully", "1:could not start (the schema's version, the database or the admin port refused it; a handler failed)",
        "2:bad usage or configuration", WorkerCommand.EXIT_RECYCLED
            + ":recycled (worker.maxStuckHandlers or worker.maxHeapAfterGc), after a graceful stop: restart it"})
final class WorkerCommand implements Callable<Integer> {

  /** The exit code after a graceful stop for recycling: EX_TEMPFAIL of sysexits.h, "try again". */
  static final int EXIT_RECYCLED = 75;

  /** The exit code of a worker that could not start: its schema, its database or its port refused it. */
  static final int EXIT_REFUSED = 1;

  @Mixin
  ConfigOption config = new ConfigOption();

  @Option(names = "--db", description = "postgresql:// URI (database.url, $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--schema", description = "schema (schema; default: spool)")
  String schema;

  @Option(names = "--queues", split = ",", description = "queues to work (worker.queues; default: default)")
  List<String> queues;

  @Option(names = "--concurrency", description = "handlers at once per queue and verticle (worker.concurrency; default: "
      + WorkerOptions.DEFAULT_CONCURRENCY + ")")
  Integer concurrency;

  @Option(names = "--workers", description = "worker verticles (worker.instances; default: 2)")
  Integer workers;

  @Option(names = "--shutdown-timeout", description = "seconds running handlers get at shutdown (worker.shutdownTimeout; default: 30)")
  Integer shutdownSeconds;

  @Option(names = "--no-migrate", description = "do not create or update the schema at start (worker.migrate: false)")
  boolean noMigrate;

  @Option(names = "--handlers", split = ",", paramLabel = "JAR",
      description = "jars (or folders of jars) with JobHandlerProviders to load (worker.handlerJars)")
  List<Path> handlerJars;

  @Mixin
  AdminServerOptions admin = new AdminServerOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    config.flag("database.url", db, "--db").flag("schema", schema, "--schema")
        .flag("worker.queues", queues == null ? null : String.join(",", queues), "--queues")
        .flag("worker.concurrency", concurrency, "--concurrency").flag("worker.instances", workers, "--workers")
        .flag("worker.shutdownTimeout", shutdownSeconds == null ? null : shutdownSeconds + "s", "--shutdown-timeout")
        .flag("worker.migrate", noMigrate ? "false" : null, "--no-migrate");
    admin.addFlags(config);
    // Everything that can be wrong with the settings fails here, before anything starts (exit 2).
    ClassLoader loader;
    SpoolConfig settings;
    JobHandlers handlers;
    try {
      List<Path> jars = new ArrayList<>(config.handlerJars()); // these were checked to exist, with their places
      if (handlerJars != null) {
        for (Path jar : handlerJars) {
          if (!Files.exists(jar)) {
            throw UsageErrors.usage(spec, "--handlers: no such file or folder: " + jar);
          }
          jars.add(jar);
        }
      }
      loader = HandlerJars.loader(jars);
      settings = config.load(loader);
      admin.configure(settings);
      handlers = HandlerJars.handlers(loader, settings);
    } catch (IllegalArgumentException e) {
      throw UsageErrors.ofConfig(spec, e);
    }
    for (PeriodicJob<?> job : settings.periodicJobs()) {
      if (handlers.get(job.task().name()) == null) {
        System.out.printf("note: periodic job %s enqueues task %s, which this worker does not handle%n", job.name(),
            job.task().name());
      }
    }

    try (DatabaseChoice database = DatabaseChoice.resolve(settings.databaseUrl(), false, System.out::println)) {
      try {
        return work(database, settings, handlers);
      } catch (Exception e) {
        String refusal = StartRefusals.refusal(e, database.uri());
        if (refusal == null) {
          throw e; // unexpected: the command line prints it with its stack trace, exit 1
        }
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + refusal);
        spec.commandLine().getErr().flush();
        return EXIT_REFUSED;
      }
    }
  }

  /** Starts the worker and runs it until it stops; returns the exit code, or throws when it failed to start. */
  private int work(DatabaseChoice database, SpoolConfig settings, JobHandlers handlers) throws Exception {
    WorkerOptions options = settings.workerOptions();
    Vertx vertx = admin.newVertx();
    Spool spool = admin.listen(Spool.builder(vertx).connectingTo(database.uri()).config(settings)).build();
    if (settings.migrate()) {
      Await.result(spool.migrate());
    }
    String adminLine = admin.start(vertx, spool); // before the hook: a port in use fails the command
    // The hook goes in before the first claim, so a SIGTERM at any moment stops gracefully. A recycle
    // stops through it too (System.exit runs it), with its own exit code.
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(0);
    AtomicReference<String> workers = new AtomicReference<>();
    Thread hook = new Thread(() -> {
      System.out.println("stopping: finishing running jobs and handing back the rest");
      // The workers first, each stopping gracefully, while the admin API answers /ready 503 (and /health
      // 200) throughout: Vert.x's close would undeploy it with them, at once, long before the last handler
      // finishes. Then Vert.x, and the admin API with it, last; also when the workers failed to stop.
      admin.stopping();
      if (workers.get() != null) {
        awaitShutdown(vertx.undeploy(workers.get()));
      }
      awaitShutdown(vertx.close());
      System.out.println("stopped; completed " + spool.stats().completed() + " jobs"
          + (exitCode.get() == EXIT_RECYCLED ? "; exiting with " + EXIT_RECYCLED + " to be restarted" : ""));
      System.out.flush();
      stopped.countDown();
      // A clean stop on SIGTERM is a success, not the JVM's default 143.
      Runtime.getRuntime().halt(exitCode.get());
    }, "spool-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    spool.recycling().onSuccess(reason -> {
      exitCode.set(EXIT_RECYCLED);
      System.out.println("recycling: " + reason);
      System.out.flush();
      // not on the event loop that tripped it: the hook waits for Vert.x to close
      new Thread(() -> System.exit(EXIT_RECYCLED), "spool-recycle").start();
    });
    int instances = settings.workerInstances();
    try {
      workers.set(Await.result(spool.deployWorkers(options, handlers, instances)));
    } catch (Exception e) {
      // Failed to start (a schema too old with worker.migrate off, a database gone, a handler failing): the
      // hook would report a graceful stop and halt with 0, telling a supervisor all is well. Without it the
      // command's exit code stands; when a SIGTERM is already stopping the process, that stop ends it.
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        stopped.await();
        return exitCode.get();
      }
      throw e;
    }
    System.out.printf("spool worker %s: %d verticles on queues %s, tasks %s%s%n", spool.nodeId(), instances,
        options.getQueues(), handlers.taskNames(),
        spool.periodicJobs().isEmpty() ? "" : ", periodic jobs " + spool.periodicJobs().stream().map(PeriodicJob::name).toList());
    if (adminLine != null) {
      System.out.println(adminLine);
    }
    stopped.await();
    return exitCode.get();
  }

  private static void awaitShutdown(Future<?> step) {
    try {
      Await.result(step);
    } catch (Exception e) {
      System.err.println("shutdown: " + e);
    }
  }
}
