package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.spi.SpoolListener;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueueControlTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void aPausedQueueIsNotClaimedOnAnyNodeButStillTakesEnqueues() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    JobHandlers handlers = new JobHandlers().register(WORK, (a, c) -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    });
    Vertx second = otherVertx();
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    await(second.deployVerticle(() -> newSpool(second, new SpoolOptions().setSchema(schema))
        .worker(new WorkerOptions(), handlers), new DeploymentOptions()));

    await(spool.client().pauseQueue("default"));
    await(spool.client().enqueue(WORK, new JsonObject()));
    await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("other")));
    Thread.sleep(1_500);
    assertThat(runs).hasValue(0);
    assertThat(count("state = 'available'")).isEqualTo(2);

    await(spool.client().resumeQueue("default"));
    eventually(Duration.ofSeconds(1), () -> runs.get() == 1);
    assertThat(count("queue = 'other'")).isEqualTo(1); // no worker for "other": paused or not, it waits
  }

  @Test
  void aListenerThatThrowsCostsNoJob() {
    Spool listened = Spool.builder(vertx).connectingTo(dev.spool.testing.TestDatabase.uri()).schema(schema)
        .listener(new SpoolListener() {
          @Override
          public void started(JobContext job, long pickupLagMillis) {
            throw new IllegalStateException("broken metrics");
          }
        }).build();
    await(vertx.deployVerticle(() -> listened.worker(new WorkerOptions(), new JobHandlers().register(WORK,
        (a, c) -> Future.succeededFuture())), new DeploymentOptions()));
    await(spool.client().enqueueBatch(WORK, java.util.Collections.nCopies(50, new JsonObject()), new EnqueueOptions()));

    eventually(Duration.ofSeconds(10), () -> count("true") == 0);
    assertThat(listened.stats().completed()).isEqualTo(50);
  }

  @Test
  void pausingAnInvalidQueueNameIsRefused() {
    assertThatThrownBy(() -> await(spool.client().pauseQueue(""))).hasMessageContaining("queue");
  }

  @Test
  void aListenerHearsClaimsStartsAndOutcomes() {
    List<String> heard = new CopyOnWriteArrayList<>();
    Spool listened = Spool.builder(vertx).connectingTo(dev.spool.testing.TestDatabase.uri()).schema(schema)
        .listener(new SpoolListener() {
          @Override
          public void started(JobContext job, long pickupLagMillis) {
            heard.add("started " + job.task() + " lag>=0:" + (pickupLagMillis >= 0));
          }

          @Override
          public void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
            heard.add(outcome + " " + (failure == null ? "-" : failure.getMessage()));
          }
        }).build();
    await(vertx.deployVerticle(() -> listened.worker(new WorkerOptions(), new JobHandlers().register(WORK,
        (a, c) -> a.getBoolean("fail") ? Future.failedFuture(new IllegalStateException("boom")) : Future.succeededFuture(),
        new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofHours(1))))), new DeploymentOptions()));

    await(spool.client().enqueue(WORK, new JsonObject().put("fail", false)));
    await(spool.client().enqueue(WORK, new JsonObject().put("fail", true), new EnqueueOptions().setMaxAttempts(2)));
    await(spool.client().enqueue(WORK, new JsonObject().put("fail", true), new EnqueueOptions().setMaxAttempts(1)));

    eventually(Duration.ofSeconds(10), () -> heard.size() == 6);
    assertThat(heard).containsOnly("started work lag>=0:true", "COMPLETED -", "RETRIED boom", "DEAD boom");
    assertThat(listened.stats().completed()).isEqualTo(1);
    assertThat(listened.stats().retried()).isEqualTo(1);
    assertThat(listened.stats().dead()).isEqualTo(1);
  }
}
