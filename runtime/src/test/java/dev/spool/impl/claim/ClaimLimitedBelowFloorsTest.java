package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.RetentionOptions;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker on a queue with cluster-wide limits (a concurrency of 2 across workers, 20 starts a second) claims from
 * floors once it knows its queue's head, as a plain queue's worker does: every job still runs within the limits,
 * and a job that becomes available below the floors (a run_at long past, a dead worker's job put back by the
 * rescuer) runs after the next head scan.
 */
class ClaimLimitedBelowFloorsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final String QUEUE = "limited";
  static final int GLOBAL_CONCURRENCY = 2;
  static final int PER_SECOND = 20;

  private final List<Long> ran = new CopyOnWriteArrayList<>();
  private final AtomicInteger runningNow = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @Override
  protected SpoolOptions spoolOptions() {
    // completed jobs stay, so the tests can read when each one started
    return new SpoolOptions().setRetention(new RetentionOptions().setCompleted(Duration.ofHours(1)));
  }

  @BeforeEach
  void startALimitedWorkerWithJobsFlowing() {
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      mostAtOnce.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(20, t -> {
        runningNow.decrementAndGet();
        ran.add(ctx.id());
        done.complete();
      });
      return done.future();
    });
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setQueues(QUEUE).setConcurrency(10)
        .setQueueOptions(QUEUE, new QueueOptions().setGlobalConcurrency(GLOBAL_CONCURRENCY)
            .setRateLimit(RateLimit.perSecond(PER_SECOND)))
        .setHeartbeatInterval(Duration.ofMillis(200)).setRescueInterval(Duration.ofMillis(100)), handlers)));
    eventually(Duration.ofSeconds(10), () -> {
      long job = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue(QUEUE)));
      eventually(Duration.ofSeconds(10), () -> ran.contains(job));
      return spool.stats().claimsFromFloors() > 0;
    });
  }

  @Test
  void everyJobRunsFromTheFloorsWithinTheQueuesLimits() {
    long fromFloorsBefore = spool.stats().claimsFromFloors();
    List<JsonObject> args = Collections.nCopies(60, new JsonObject());
    List<Long> burst = new ArrayList<>();
    for (int priority = 0; priority < 3; priority++) {
      burst.addAll(await(spool.client().enqueueBatch(WORK, args.subList(0, 20),
          new EnqueueOptions().setQueue(QUEUE).setPriority(priority))));
    }

    eventually(Duration.ofSeconds(20), () -> ran.containsAll(burst));

    assertThat(spool.stats().claimsFromFloors()).isGreaterThan(fromFloorsBefore);
    assertThat(ran).doesNotHaveDuplicates();
    assertThat(mostAtOnce.get()).isLessThanOrEqualTo(GLOBAL_CONCURRENCY);
    List<Long> startsMicros = new ArrayList<>();
    for (Row row : sql("select (extract(epoch from attempted_at) * 1000000)::bigint from {schema}.all_jobs"
        + " where attempted_at is not null order by 1")) {
      startsMicros.add(row.getLong(0));
    }
    for (int i = PER_SECOND; i < startsMicros.size(); i++) {
      assertThat(startsMicros.get(i) - startsMicros.get(i - PER_SECOND))
          .as("%d starts within a second", PER_SECOND + 1).isGreaterThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void aJobDueLongAgoRuns() {
    long overdue = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setQueue(QUEUE).setRunAt(Instant.now().minus(Duration.ofDays(1)))));

    eventually(Duration.ofSeconds(10), () -> ran.contains(overdue));
  }

  @Test
  void aJobOfAPriorityNotSeenBeforeRuns() {
    long urgent = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setQueue(QUEUE).setPriority(-5)));

    eventually(Duration.ofSeconds(10), () -> ran.contains(urgent));
  }

  @Test
  void aDeadWorkersJobPutBackBelowTheFloorsRuns() {
    // enqueued for later so that nobody claims it, then held by a worker that is gone, its run_at an hour back
    long orphan = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setQueue(QUEUE).setRunAt(Instant.now().plus(Duration.ofHours(1)))));
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'gone/1', attempted_at = now(),"
        + " lease_expires_at = now() + interval '1 hour', run_at = now() - interval '1 hour' where id = $1", orphan);

    eventually(Duration.ofSeconds(20), () -> ran.contains(orphan));
  }
}
