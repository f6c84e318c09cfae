package dev.spool.testing;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.QueueOptions;
import dev.spool.WorkerOptions;
import java.util.List;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A worker in a process of its own, for tests that kill it with SIGKILL: it claims jobs of the task
 * {@code hold}, never finishes them, and prints {@code READY <worker id>} once deployed.
 * Arguments: database URI, schema, and optionally a queue to work as a serial keyed queue.
 */
public final class WorkerProcess {

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0]).schema(args[1]).build();
    JobHandlers handlers = new JobHandlers().register(Task.json("hold"), (a, ctx) -> Promise.promise().future());
    WorkerOptions options = fastLiveness();
    if (args.length > 2) {
      options.setQueues(args[2]).setQueueOptions(args[2], new QueueOptions().setSerial(true));
    }
    var worker = spool.worker(options, handlers);
    vertx.deployVerticle(worker).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("READY " + worker.owner());
      } else {
        ar.cause().printStackTrace();
        System.exit(3);
      }
    });
  }

  /** Liveness settings that make tests of dead workers take seconds. */
  public static WorkerOptions fastLiveness() {
    return new WorkerOptions()
        .setHeartbeatInterval(Duration.ofMillis(200))
        .setWorkerTimeout(Duration.ofSeconds(1))
        .setRescueInterval(Duration.ofMillis(200))
        .setLeaderTtl(Duration.ofSeconds(1));
  }

  /** Starts this class in a child JVM and waits for its READY line; returns the process and worker id. */
  public static Started start(String uri, String schema, String... serialQueue) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(uri, schema));
    args.addAll(List.of(serialQueue));
    return startMain(WorkerProcess.class, args.toArray(String[]::new));
  }

  /** Starts {@code main} in a child JVM with this one's class path and waits (up to 60 s) for its READY line. */
  public static Started startMain(Class<?> main, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return new Started(process, line.substring(6).trim());
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(main.getSimpleName() + " process did not start; last line: " + line);
  }

  /** A started worker process. */
  public record Started(Process process, String workerId) {}
}
