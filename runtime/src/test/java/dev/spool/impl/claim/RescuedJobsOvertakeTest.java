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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The jobs of a dead worker do not wait behind a survivor's full prefetch buffer: when the rescuer puts them
 * back, the survivor hands back as many of the jobs it prefetched (unstarted, from the tail of its buffer),
 * claims at once, and starts the rescued jobs next.
 */
class RescuedJobsOvertakeTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void rescuedJobsStartNextEvenWhenTheSurvivorsBufferIsFull() {
    List<Long> started = new CopyOnWriteArrayList<>();
    Map<Long, Integer> attempts = new ConcurrentHashMap<>();
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      started.add(ctx.id());
      attempts.put(ctx.id(), ctx.attempt());
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(100, t -> done.complete());
      return done.future();
    });
    List<Long> queued = await(spool.client().enqueueBatch(WORK, Collections.nCopies(40, new JsonObject()),
        new EnqueueOptions()));
    // the dead worker's jobs: enqueued for later so that nobody claims them, then held by a worker that is gone
    List<Long> orphans = await(spool.client().enqueueBatch(WORK, Collections.nCopies(3, new JsonObject()),
        new EnqueueOptions().setRunAt(Instant.now().plus(Duration.ofHours(1)))));
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setConcurrency(1).setPrefetch(20).setBatchSize(20)
        .setHeartbeatInterval(Duration.ofMillis(200)).setRescueInterval(Duration.ofMillis(100)), handlers)));
    eventually(Duration.ofSeconds(10), () -> count("state = 'running'") >= 20); // one running, the buffer full

    int startedBeforeRescue = started.size();
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'gone/1', attempted_at = now(),"
        + " lease_expires_at = now() + interval '1 hour', run_at = now() - interval '1 hour' where id = any($1)",
        (Object) orphans.toArray(Long[]::new));
    eventually(Duration.ofSeconds(20), () -> started.containsAll(orphans));

    // the rescue pass, the hand-back and the claim take a moment, in which the running job finishes and the
    // next prefetched one or two start; the other 19 prefetched jobs wait behind the rescued ones
    int lastOrphan = orphans.stream().mapToInt(started::indexOf).max().orElseThrow();
    assertThat(lastOrphan - startedBeforeRescue).isLessThanOrEqualTo(2 + orphans.size());
    orphans.forEach(id -> assertThat(attempts.get(id)).as("the rescued run is the second attempt").isEqualTo(2));
    eventually(Duration.ofSeconds(30), () -> started.size() == 43);
    assertThat(started).doesNotHaveDuplicates().containsAll(queued);
  }
}
