package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.Task;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code chaos --effects tx}: half of the jobs are of a second recording task whose effect (a row in
 * {@code chaos_effects}) is written in the job's own completing transaction
 * ({@link dev.spool.JobContext#completeInTransaction}); the other half are the plain recording task. Both
 * log every execution in the run log, so one run shows, under the same kills, the plain handlers' usual
 * duplicates next to the effects written exactly once ({@code effect_duplicates}, which must be 0).
 */
final class ChaosEffects {

  /** The task whose effect commits with its completion. */
  static final Task<JsonObject> EFFECT = Task.json("chaos.effect");

  /** Enqueued in alternating batches of this many, so kills land among both kinds of jobs. */
  private static final int BATCH = 2_500;

  /** The ids a run enqueued: the whole range, and which of them are effect jobs. */
  record Enqueued(long first, long last, List<Long> effectIds) {}

  private ChaosEffects() {}

  /** The effect task's handler, registered in every chaos worker (it is claimed only when such jobs exist). */
  static JobHandlers register(JobHandlers handlers, Spool spool, Checks checks) {
    String recordSql = checks.sql("RecordRun");
    String effectSql = checks.sql("WriteEffect");
    return handlers.register(EFFECT, (job, ctx) ->
        // The execution is logged outside the transaction (it happened, whatever the transaction does) ...
        spool.pool().preparedQuery(recordSql).execute(Tuple.of(ctx.id(), spool.nodeId(), ctx.attempt()))
            .compose(recorded -> {
              Promise<Void> worked = Promise.promise();
              ctx.vertx().setTimer(Math.max(1, job.getLong("ms", 1L)), t -> worked.complete());
              return worked.future();
            })
            // ... the effect only with the completion: a kill before the commit leaves no row.
            .compose(worked -> ctx.completeInTransaction(conn ->
                conn.preparedQuery(effectSql).execute(Tuple.of(ctx.id(), spool.nodeId(), ctx.attempt())).mapEmpty())));
  }

  /** Creates the effects table (after the schema was made afresh). */
  static void prepare(Spool spool, Checks checks) {
    await(spool.pool().query(checks.sql("CreateEffects")).execute());
  }

  /** Enqueues {@code jobs} jobs, alternating batches of plain and effect jobs. */
  static Enqueued enqueue(Spool spool, int jobs, JsonObject args) {
    long first = Long.MAX_VALUE;
    long last = 0;
    List<Long> effectIds = new ArrayList<>(jobs / 2 + BATCH);
    boolean effect = false;
    for (int done = 0; done < jobs; done += BATCH, effect = !effect) {
      int n = Math.min(BATCH, jobs - done);
      List<Long> ids = await(spool.client().enqueueBatch(effect ? EFFECT : ChaosWorker.RECORD,
          Collections.nCopies(n, args), new EnqueueOptions()));
      for (long id : ids) {
        first = Math.min(first, id);
        last = Math.max(last, id);
      }
      if (effect) {
        effectIds.addAll(ids);
      }
    }
    return new Enqueued(first, last, effectIds);
  }

  /**
   * The effect figures: {@code effect_duplicates} (effect rows beyond one per job: must be 0),
   * {@code effects_missing} (effect jobs completed without their effect: must be 0), {@code effect_job_reruns}
   * (executions of effect jobs beyond one: the handler did run twice, its effect did not) and
   * {@code plain_duplicates} (the plain jobs' executions beyond one).
   */
  static JsonObject outcome(Spool spool, Checks checks, Enqueued enqueued, long allDuplicates) {
    Row row = await(spool.pool().preparedQuery(checks.sql("EffectOutcome"))
        .execute(Tuple.of(enqueued.effectIds().toArray(Long[]::new)))).iterator().next();
    long reruns = row.getLong("effect_job_reruns");
    return new JsonObject()
        .put("effects", "tx")
        .put("effect_jobs", enqueued.effectIds().size())
        .put("effect_duplicates", row.getLong("effect_duplicates"))
        .put("effects_missing", row.getLong("effects_missing"))
        .put("effect_job_reruns", reruns)
        .put("plain_duplicates", allDuplicates - reruns);
  }

  /** True when the effects broke their promise: a duplicate or a missing effect. */
  static boolean failed(JsonObject result) {
    return result.getLong("effect_duplicates", 0L) > 0 || result.getLong("effects_missing", 0L) > 0;
  }
}
