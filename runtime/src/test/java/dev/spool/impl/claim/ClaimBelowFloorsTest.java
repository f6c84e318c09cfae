package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.RetryPolicy;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker claims from floors once it knows its queue's head: the jobs that become available below them (an
 * enqueue whose transaction outlived the margin, a priority never seen, a run_at in the past, a child released
 * by its parent's ack long after its enqueue) still run, found by the head scans beside the claims (or handed
 * to the worker by the ack that released them), while the ordinary flow keeps going; a failed job's retry,
 * due after its backoff, runs above them.
 */
class ClaimBelowFloorsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> FLAKY = Task.json("flaky");

  private final List<Long> ran = new CopyOnWriteArrayList<>();

  /** WORK, and FLAKY, whose first attempt fails (its retry 200 ms on): each adds the id of a job it ran to {@code ran}. */
  static JobHandlers recording(List<Long> ran) {
    return new JobHandlers().register(WORK, (args, ctx) -> {
      ran.add(ctx.id());
      return Future.succeededFuture();
    }).register(FLAKY, (args, ctx) -> {
      if (ctx.attempt() == 1) {
        return Future.failedFuture("the first attempt fails");
      }
      ran.add(ctx.id());
      return Future.succeededFuture();
    }, new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(200))));
  }

  @BeforeEach
  void startAWorkerWithJobsFlowing() {
    await(vertx.deployVerticle(spool.worker(new WorkerOptions(), recording(ran))));
    // jobs flow until the worker claims from its floors (it learns its queue's priorities from a head scan or
    // from its claims, and its clock from a head scan)
    eventually(Duration.ofSeconds(10), () -> {
      long job = await(spool.client().enqueue(WORK, new JsonObject()));
      eventually(Duration.ofSeconds(10), () -> ran.contains(job));
      return spool.stats().claimsFromFloors() > 0;
    });
  }


  @Test
  void aJobEnqueuedInATransactionOpenLongerThanTheMarginRuns() throws Exception {
    SqlConnection tx = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(tx.query("begin").execute());
      long late = await(tx.query("select " + schema + ".enqueue('work')").execute()).iterator().next().getLong(0);
      for (int i = 0; i < 15; i++) { // 1.5 s of other jobs run meanwhile, and the floors move past its run_at
        long other = await(spool.client().enqueue(WORK, new JsonObject()));
        eventually(Duration.ofSeconds(10), () -> ran.contains(other));
        Thread.sleep(100);
      }
      await(tx.query("commit").execute());

      eventually(Duration.ofSeconds(10), () -> ran.contains(late));
    } finally {
      await(tx.close());
    }
  }

  @Test
  void aJobOfAPriorityNotSeenBeforeRuns() {
    long urgent = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setPriority(-5)));

    eventually(Duration.ofSeconds(10), () -> ran.contains(urgent));
  }

  @Test
  void aJobThatFailedRunsAgainAfterItsBackoff() {
    long flaky = await(spool.client().enqueue(FLAKY, new JsonObject()));

    eventually(Duration.ofSeconds(10), () -> ran.contains(flaky)); // its handler succeeds on the second attempt
  }

  @Test
  void aChildReleasedByAParentThatFinishedLongAfterItWasEnqueuedRuns() {
    long parent = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setDelay(Duration.ofMillis(1500))));
    // the child is due from its enqueue on, 1.5 s below the floors by the time its parent's ack releases it
    long child = sql("select {schema}.enqueue('work', depends_on => array[" + parent + "]::bigint[])")
        .iterator().next().getLong(0);

    eventually(Duration.ofSeconds(10), () -> ran.contains(child));
    assertThat(ran.indexOf(parent)).isLessThan(ran.indexOf(child));
  }

  @Test
  void aJobDueLongAgoRuns() {
    long overdue = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setRunAt(Instant.now().minus(Duration.ofDays(1)))));

    eventually(Duration.ofSeconds(10), () -> ran.contains(overdue));
  }
}
