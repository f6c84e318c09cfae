package dev.spool.loadtest;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker process of the chaos test: runs the recording task ({@code chaos.record}: write a row to
 * the run log, wait {@code ms}, succeed; a run that cannot write its row notes its start apart once the database
 * answers, and fails) on one worker verticle, prints {@code READY <node id>}, and runs
 * until killed. Arguments: database URI, schema, the worker options as JSON ({@link WorkerOptions}'s keys),
 * and {@code true} to keep completed rows (workflow mode). Prints {@code LATE_ACKS <n>} whenever its count of
 * fenced outcomes (acks of runs taken away meanwhile) grows, for the chaos run to sum.
 */
public final class ChaosWorker {

  static final Task<JsonObject> RECORD = Task.json("chaos.record");
  // Outages here last seconds (a restart, a promotion); the patience stays below the handler's hard limit (1 min),
  // so a database that never answers fails the run's handlers instead of leaving them stuck, holding their slots.
  private static final long UNLOGGED_START_PATIENCE_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
  private static final Logger QUIET = Logger.getLogger("dev.spool");

  public static void main(String[] args) {
    QUIET.setLevel(Level.SEVERE);
    Vertx vertx = Vertx.vertx();
    // workflow mode keeps completed rows: the end of the run compares each step's start with its parents' acks
    boolean keep = args.length > 3 && Boolean.parseBoolean(args[3]);
    WorkerOptions options = new WorkerOptions(new JsonObject(args[2]));
    Spool spool = Spool.builder(vertx).connectingTo(args[0])
        .options(new SpoolOptions().setSchema(args[1]).setKeepCompleted(keep)
            // an effect handler holds a connection of this pool for its transaction
            .setPoolSize(options.getConcurrency() + 2)).build();
    Checks checks = new Checks(spool);
    String recordSql = checks.sql("RecordRun");
    // The run log is written through a pipelined client, like the worker's own: a pool holds a connection
    // per statement, so behind a slow link its four connections, not Spool, would bound the drain. Built
    // through the Spool, so after a failover its new connections go to the promoted standby, as Spool's do.
    SqlClient log = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(2))).using(vertx).build();
    String unloggedSql = checks.sql("RecordUnloggedStart");
    JobHandlers handlers = new JobHandlers().register(RECORD, (job, ctx) -> {
      OffsetDateTime startedAt = OffsetDateTime.now();
      return log.preparedQuery(recordSql).execute(Tuple.of(ctx.id(), spool.nodeId(), ctx.attempt()))
          // the database is unreachable: this run started but cannot count as one; note the start for the
          // recovery figures once the database answers, then fail like any handler whose write failed
          .recover(e -> noteStart(vertx, log, unloggedSql, Tuple.of(ctx.id(), spool.nodeId(), ctx.attempt(), startedAt),
              System.nanoTime() + UNLOGGED_START_PATIENCE_NS).transform(noted -> Future.failedFuture(e)))
          .compose(recorded -> {
            Promise<Void> done = Promise.promise();
            ctx.vertx().setTimer(Math.max(1, job.getLong("ms", 1L)), t -> done.complete());
            return done.future();
          });
    });
    ChaosEffects.register(handlers, spool, checks);
    long[] reported = {0};
    vertx.setPeriodic(200, t -> {
      long late = spool.stats().lateAcks();
      if (late != reported[0]) {
        reported[0] = late;
        System.out.println("LATE_ACKS " + late);
        System.out.flush();
      }
    });
    ChildJvm.readyWhenDeployed(vertx, spool, spool.deployWorkers(options, handlers, 1), "chaos worker");
  }

  /** Writes an unrecorded start, trying every 250 ms until the database answers or the deadline passes. */
  private static Future<Void> noteStart(Vertx vertx, SqlClient log, String sql, Tuple start, long deadlineNs) {
    return log.preparedQuery(sql).execute(start).<Void>mapEmpty().recover(e -> {
      if (System.nanoTime() > deadlineNs) {
        return Future.failedFuture(e);
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(250, t -> noteStart(vertx, log, sql, start, deadlineNs).onComplete(later));
      return later.future();
    });
  }
}
