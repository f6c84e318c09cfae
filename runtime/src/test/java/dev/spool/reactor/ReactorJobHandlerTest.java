package dev.spool.reactor;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.CancelResult;
import dev.spool.EnqueueOptions;
import dev.spool.JobContext;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.JobTimeoutException;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ReactorJobHandlerTest extends SpoolTestBase {

  static final Task<JsonObject> GREET = Task.json("greet");
  static final Duration WAIT = Duration.ofSeconds(30);

  void deploy(JobHandler<JsonObject> handler) {
    await(spool.deployWorkers(new WorkerOptions(), new JobHandlers().register(GREET, handler), 1));
  }

  @Test
  void aMonoHandlerRunsWithItsArgumentsAndItsJobIsAcked() {
    List<String> greeted = new CopyOnWriteArrayList<>();
    // The Mono finishes on a Reactor scheduler thread, as Reactor-based clients do.
    deploy(ReactorJobHandler.of((args, ctx) -> Mono.delay(Duration.ofMillis(20))
        .doOnNext(tick -> greeted.add("hello " + args.getString("name") + " #" + ctx.id()))));
    long id = await(spool.client().enqueue(GREET, new JsonObject().put("name", "Ada")));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(greeted).containsExactly("hello Ada #" + id);
  }

  @Test
  void theOutcomeOfAMonoOnAnotherThreadIsHeardOnTheWorkersEventLoop() {
    Map<String, Object> seen = new ConcurrentHashMap<>();
    JobHandler<JsonObject> reactive = ReactorJobHandler.of((args, ctx) ->
        Mono.fromCallable(() -> Thread.currentThread().getName()).subscribeOn(Schedulers.boundedElastic())
            .doOnNext(thread -> seen.put("mono", thread)));
    deploy((args, ctx) -> {
      Context worker = Vertx.currentContext();
      return reactive.handle(args, ctx).onComplete(ar -> seen.put("sameContext", Vertx.currentContext() == worker));
    });
    await(spool.client().enqueue(GREET, new JsonObject()));

    eventually(WAIT, () -> seen.size() == 2 && count("true") == 0);
    assertThat((String) seen.get("mono")).startsWith("boundedElastic");
    assertThat(seen.get("sameContext")).isEqualTo(true);
  }

  @Test
  void aFailingMonoFailsTheJobWithItsError() {
    deploy(ReactorJobHandler.of((args, ctx) -> Mono.error(new IllegalStateException("upstream said no"))));
    long id = await(spool.client().enqueue(GREET, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    JsonObject error = lastError(id);
    assertThat(error.getString("class")).isEqualTo(IllegalStateException.class.getName());
    assertThat(error.getString("message")).isEqualTo("upstream said no");
  }

  @Test
  void aMonoThatNeverCompletesIsDisposedWhenTheRunTimesOut() {
    AtomicInteger disposed = new AtomicInteger();
    deploy(ReactorJobHandler.of((args, ctx) -> Mono.never().doOnCancel(disposed::incrementAndGet)));
    long id = await(spool.client().enqueue(GREET, new JsonObject(),
        new EnqueueOptions().setTimeout(Duration.ofMillis(200)).setMaxAttempts(1)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(lastError(id).getString("class")).isEqualTo(JobTimeoutException.class.getName());
    eventually(WAIT, () -> disposed.get() == 1);
  }

  @Test
  void cancellingARunningJobDisposesItsMonoAndTheJobEndsCancelled() {
    AtomicInteger subscribed = new AtomicInteger();
    AtomicInteger disposed = new AtomicInteger();
    deploy(ReactorJobHandler.of((args, ctx) -> Mono.never()
        .doOnSubscribe(s -> subscribed.incrementAndGet()).doOnCancel(disposed::incrementAndGet)));
    long id = await(spool.client().enqueue(GREET, new JsonObject(), new EnqueueOptions().setTimeout(Duration.ofMinutes(5))));
    eventually(WAIT, () -> subscribed.get() == 1);

    assertThat(ReactorJobClient.of(spool.client()).cancel(id).block()).isEqualTo(CancelResult.CANCEL_REQUESTED);

    // Well before the five-minute timeout: the disposed Mono ends the run.
    eventually(WAIT, () -> count("state = 'cancelled'") == 1);
    assertThat(disposed).hasValue(1);
    assertThat(lastError(id).getString("class")).isEqualTo(CancellationException.class.getName());
  }

  @Test
  void aMonoReadsItsJobContextFromTheReactorContext() {
    Map<Long, Integer> attempts = new ConcurrentHashMap<>();
    deploy(ReactorJobHandler.of((args, ctx) -> Mono.delay(Duration.ofMillis(5))
        .then(ReactorJobHandler.jobContext())
        .doOnNext((JobContext job) -> attempts.put(job.id(), job.attempt()))));
    long id = await(spool.client().enqueue(GREET, new JsonObject()));

    eventually(WAIT, () -> attempts.containsKey(id));
    assertThat(attempts).containsEntry(id, 1);
    assertThat(ReactorJobHandler.jobContext().onErrorResume(e -> Mono.empty()).block()).isNull();
  }

  private JsonObject lastError(long id) {
    Row row = sql("select last_error from {schema}.jobs where id = $1", id).iterator().next();
    return (JsonObject) row.getValue(0);
  }
}
