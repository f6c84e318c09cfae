package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Recycling, the JVM's max-tasks/max-memory per child: when a limit trips, the workers stop claiming, hand
 * back what they prefetched, finish what runs, and the Spool says why, for the process to be restarted.
 */
class RecyclingTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  static WorkerOptions quick() {
    return fastLiveness().setStuckGrace(Duration.ofMillis(100));
  }

  @Test
  void enoughStuckHandlersRecycleTheProcess() {
    JobHandlers handlers = BuiltInTasks.register(new JobHandlers(), new HandlerOptions().setTimeout(Duration.ofMillis(200)));
    await(vertx.deployVerticle(spool.worker(quick().setMaxStuckHandlers(2), handlers)));
    assertThat(spool.recycleReason()).isEmpty();

    await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 60_000)));
    eventually(WAIT, () -> spool.stats().stuckRuns().size() == 1);
    assertThat(spool.recycleReason()).as("one stuck handler is below the limit").isEmpty();
    await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 60_000)));

    String reason = await(spool.recycling());
    assertThat(reason).isEqualTo("2 handler(s) are stuck (maxStuckHandlers 2)");
    assertThat(spool.recycleReason()).contains(reason);

    // it claims nothing more
    long later = await(spool.client().enqueue(BuiltInTasks.NOOP, new JsonObject()));
    sleep(1_000);
    assertThat(await(spool.client().find(later)).orElseThrow().state()).isEqualTo(JobState.AVAILABLE);
  }

  @Test
  void aHeapStillInUseAfterGarbageCollectionRecyclesTheProcess() {
    await(vertx.deployVerticle(spool.worker(quick().setMaxHeapAfterGc(0.000_001),
        new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()))));
    System.gc(); // any heap at all is over a millionth of the maximum once a collection has measured it

    String reason = await(spool.recycling());
    assertThat(reason).startsWith("the heap in use after garbage collection is ").endsWith("of the maximum (maxHeapAfterGc 0.0001000%)");
  }

  @Test
  void recyclingHandsBackPrefetchedJobsAndLetsRunningOnesFinish() {
    Task<JsonObject> hang = Task.json("hang");
    Task<JsonObject> slow = Task.json("slow");
    JobHandlers handlers = new JobHandlers()
        .register(hang, (args, ctx) -> io.vertx.core.Promise.<Void>promise().future(),
            new HandlerOptions().setTimeout(Duration.ofSeconds(1)))
        .register(slow, (args, ctx) -> {
          io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
          ctx.vertx().setTimer(2_500, t -> done.complete());
          return done.future();
        });
    await(vertx.deployVerticle(spool.worker(quick().setMaxStuckHandlers(1).setConcurrency(2), handlers)));
    await(spool.client().enqueue(hang, new JsonObject()));
    eventually(WAIT, () -> count("state = 'running'") == 1);
    // one slot left: the first slow job runs (and finishes); the rest wait in the prefetch buffer
    long running = await(spool.client().enqueue(slow, new JsonObject()));
    eventually(WAIT, () -> count("state = 'running'") == 2);
    java.util.List<Long> waiting = await(spool.client().enqueueBatch(slow,
        java.util.Collections.nCopies(5, new JsonObject()), new EnqueueOptions()));
    eventually(WAIT, () -> count("state = 'running'") == 7);

    await(spool.recycling()); // the hang job is stuck 1.1 s after it started

    eventually(WAIT, () -> count("state = 'available'") == 5);
    for (long id : waiting) {
      Job job = await(spool.client().find(id)).orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
      assertThat(job.attempt()).as("handed back unstarted, its attempt not counted").isZero();
    }
    eventually(WAIT, () -> await(spool.client().find(running)).isEmpty()); // it finished and was acked
    assertThat(spool.stats().completed()).isEqualTo(1);
  }

  @Test
  void limitsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new WorkerOptions().setMaxStuckHandlers(-1))
        .hasMessage("maxStuckHandlers must be zero (off) or positive, got -1");
    assertThatThrownBy(() -> new WorkerOptions().setMaxHeapAfterGc(1.5))
        .hasMessage("maxHeapAfterGc must be a fraction of the maximum heap between 0 (off) and 1, got 1.5");
    assertThat(new WorkerOptions().recycles()).isFalse();
    WorkerOptions json = new WorkerOptions(new WorkerOptions().setMaxStuckHandlers(3).setMaxHeapAfterGc(0.9)
        .setBlockingPoolSize(64).setStuckGrace(Duration.ofSeconds(2)).toJson());
    assertThat(json.getMaxStuckHandlers()).isEqualTo(3);
    assertThat(json.getMaxHeapAfterGc()).isEqualTo(0.9);
    assertThat(json.getBlockingPoolSize()).isEqualTo(64);
    assertThat(json.getStuckGrace()).isEqualTo(Duration.ofSeconds(2));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
