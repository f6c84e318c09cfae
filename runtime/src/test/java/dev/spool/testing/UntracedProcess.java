package dev.spool.testing;

import dev.spool.JobHandlers;
import dev.spool.JobResult;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.impl.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An application without OpenTelemetry on its class path, in a process of its own: it checks that Spool chose
 * the no-op tracing, migrates, runs a worker, enqueues a job and awaits it, then prints
 * {@code UNTRACED <tracing> <state> <traceparent column>}. Arguments: database URI, schema.
 */
public final class UntracedProcess {

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0]).schema(args[1]).build();
    Task<JsonObject> task = Task.json("untraced");
    JobHandlers handlers = new JobHandlers().register(task, (a, ctx) -> Future.succeededFuture(new JsonObject()));
    spool.migrate()
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers, 1))
        .compose(d -> spool.client().enqueue(task, new JsonObject()))
        .compose(id -> spool.client().await(id, Duration.ofSeconds(30)))
        .onComplete(ar -> {
          if (ar.failed()) {
            ar.cause().printStackTrace();
            System.exit(3);
          }
          JobResult result = ar.result();
          System.out.println("UNTRACED " + (Tracing.INSTANCE == Tracing.NOOP ? "noop" : Tracing.INSTANCE) + " "
              + result.state());
          System.exit(0);
        });
  }

  /** Runs this class in a child JVM whose class path is this one's without OpenTelemetry; returns its output. */
  public static String run(String uri, String schema) throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("opentelemetry"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", classPath,
        UntracedProcess.class.getName(), uri, schema);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return output;
  }
}
