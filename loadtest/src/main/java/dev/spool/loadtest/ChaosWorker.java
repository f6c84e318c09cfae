package dev.spool.loadtest;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker process of the chaos test: runs the recording task ({@code chaos.record}: write a row to
 * the run log, wait {@code ms}, succeed) on one worker verticle, prints {@code READY <node id>}, and runs
 * until killed. Arguments: database URI, schema, concurrency, and {@code true} to keep completed rows
 * (workflow mode).
 */
public final class ChaosWorker {

  static final Task<JsonObject> RECORD = Task.json("chaos.record");
  private static final Logger QUIET = Logger.getLogger("dev.spool");

  public static void main(String[] args) {
    QUIET.setLevel(Level.SEVERE);
    Vertx vertx = Vertx.vertx();
    // workflow mode keeps completed rows: the end of the run compares each step's start with its parents' acks
    boolean keep = args.length > 3 && Boolean.parseBoolean(args[3]);
    Spool spool = Spool.builder(vertx).connectingTo(args[0])
        .options(new SpoolOptions().setSchema(args[1]).setKeepCompleted(keep)
            // every handler logs its run on this pool, and an effect handler holds a connection for its transaction
            .setPoolSize(Integer.parseInt(args[2]) + 2)).build();
    Checks checks = new Checks(spool);
    String recordSql = checks.sql("RecordRun");
    JobHandlers handlers = new JobHandlers().register(RECORD, (job, ctx) ->
        spool.pool().preparedQuery(recordSql).execute(Tuple.of(ctx.id(), spool.nodeId(), ctx.attempt())).compose(recorded -> {
          Promise<Void> done = Promise.promise();
          ctx.vertx().setTimer(Math.max(1, job.getLong("ms", 1L)), t -> done.complete());
          return done.future();
        }));
    ChaosEffects.register(handlers, spool, checks);
    WorkerOptions options = new WorkerOptions().setConcurrency(Integer.parseInt(args[2]));
    // SIGTERM (the end of the run) stops gracefully: running jobs finish, the rest go back, the worker
    // deregisters. SIGKILL (the chaos) skips all of that, which is the point.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("chaos worker shutdown: " + e);
      }
    }));
    spool.deployWorkers(options, handlers, 1).onComplete(ar -> {
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
