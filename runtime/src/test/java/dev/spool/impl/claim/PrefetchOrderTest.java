package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A worker starts what it prefetched in claim order across claims: a job due long ago — a rescued job
 * keeps its old place in line — starts before the jobs the worker had already prefetched, so a dead
 * worker's jobs wait for a survivor's next claim, not for its whole buffer.
 */
class PrefetchOrderTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void aJobDueLongAgoStartsBeforeTheJobsAlreadyPrefetched() {
    List<Long> started = new CopyOnWriteArrayList<>();
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      started.add(ctx.id());
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(100, t -> done.complete());
      return done.future();
    });
    List<Long> prefetched = await(spool.client().enqueueBatch(WORK, Collections.nCopies(6, new JsonObject()),
        new EnqueueOptions()));
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setConcurrency(1).setPrefetch(10).setBatchSize(10),
        handlers)));
    eventually(Duration.ofSeconds(10), () -> !started.isEmpty());

    long overdue = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setRunAt(Instant.now().minus(Duration.ofHours(1)))));
    eventually(Duration.ofSeconds(10), () -> started.size() == 7);

    // one prefetched job may have started while the overdue one was being claimed; the other four wait
    assertThat(started.indexOf(overdue)).isLessThanOrEqualTo(2);
    assertThat(started).containsAll(prefetched);
  }
}
