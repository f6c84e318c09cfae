package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  void deploy(JobHandler<JsonObject> handler) {
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(WORK, handler)),
        new DeploymentOptions()));
  }

  @Test
  void aJobThatHasNotStartedIsCancelledAtOnceAndNeverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofMillis(300))));

    assertThat(await(spool.client().cancel(id))).isEqualTo(CancelResult.CANCELLED);
    deploy((args, ctx) -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    });
    Thread.sleep(800);

    assertThat(runs).hasValue(0);
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(job.finishedAt()).isNotNull();
  }

  @Test
  void aRunningHandlerIsToldAndTheJobEndsCancelled() {
    AtomicBoolean started = new AtomicBoolean();
    deploy((args, ctx) -> {
      started.set(true);
      // a cooperative handler: it stops when told
      return ctx.cancellation().compose(v -> Future.failedFuture(new IllegalStateException("stopped on request")));
    });
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, started::get);

    assertThat(await(spool.client().cancel(id))).isEqualTo(CancelResult.CANCEL_REQUESTED);

    eventually(WAIT, () -> count("state = 'cancelled'") == 1);
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.lastError().getString("message")).isEqualTo("stopped on request");
  }

  @Test
  void aHandlerThatIgnoresTheCancelFailsAtItsTimeoutAndItsJobEndsCancelledWhenItReturns() {
    AtomicBoolean started = new AtomicBoolean();
    AtomicBoolean returned = new AtomicBoolean();
    deploy((args, ctx) -> {
      started.set(true);
      Promise<Void> late = Promise.promise();
      ctx.vertx().setTimer(2_000, t -> {
        returned.set(true);
        late.complete(); // success, too late: the run failed at its timeout
      });
      return late.future();
    });
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setTimeout(Duration.ofSeconds(1))));
    eventually(WAIT, started::get);

    assertThat(await(spool.client().cancel(id))).isEqualTo(CancelResult.CANCEL_REQUESTED);

    eventually(WAIT, () -> count("state = 'cancelled'") == 1);
    assertThat(returned).as("the job is held until its handler returns").isTrue();
    assertThat(await(spool.client().find(id)).orElseThrow().lastError().getString("class"))
        .isEqualTo(JobTimeoutException.class.getName());
  }

  @Test
  void aFinishedJobAnswersAlreadyFinishedAndStaysAsItWas() {
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'dead', finished_at = now() where id = $1", id);

    assertThat(await(spool.client().cancel(id))).isEqualTo(CancelResult.ALREADY_FINISHED);
    assertThat(await(spool.client().find(id)).orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(await(spool.client().cancel(id + 1000))).isEqualTo(CancelResult.NOT_FOUND);
  }
}
