package dev.spool.loadtest;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    ChildJvm.readyWhenDeployed(vertx, spool,
        spool.deployWorkers(new WorkerOptions(), handlers, Integer.parseInt(args[2])), "scale worker");
  }
}
