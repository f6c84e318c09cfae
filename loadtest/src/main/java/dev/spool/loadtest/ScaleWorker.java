package dev.spool.loadtest;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker process of {@code scale --dimension processes}: drains the load tester's no-op jobs with the
 * default worker settings, prints {@code READY}, and runs until SIGTERM, on which it stops gracefully.
 * Arguments: database URI, schema, worker verticles, and {@code true} to keep completed rows.
 */
public final class ScaleWorker {

  private static final Logger QUIET = Logger.getLogger("dev.spool");

  private ScaleWorker() {}

  public static void main(String[] args) {
    QUIET.setLevel(Level.SEVERE);
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0])
        .options(new SpoolOptions().setSchema(args[1]).setKeepCompleted(Boolean.parseBoolean(args[3]))).build();
    JobHandlers handlers = new JobHandlers().register(Drain.NOOP, (job, ctx) -> Future.succeededFuture());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("scale worker shutdown: " + e);
      }
    }));
    spool.deployWorkers(new WorkerOptions(), handlers, Integer.parseInt(args[2])).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("READY " + spool.nodeId());
        System.out.flush();
      } else {
        ar.cause().printStackTrace();
        System.exit(3);
      }
    });
  }
}
