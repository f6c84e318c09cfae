package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobExplanation.Code;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JobAdmin#explain}: why is this job not running? Each reason with its figures. */
class JobExplainTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> OTHER = Task.json("other");

  private JobAdmin admin;

  @BeforeEach
  void openAdmin() {
    admin = spool.admin();
  }

  @AfterEach
  void closeAdmin() {
    await(admin.close());
  }

  private long enqueue(Task<JsonObject> task, EnqueueOptions options) {
    return await(spool.client().enqueue(task, new JsonObject(), options));
  }

  private JobExplanation explain(long id) {
    return await(admin.explain(id)).orElseThrow();
  }

  private static JobExplanation.Reason reason(JobExplanation explanation, Code code) {
    return explanation.reasons().stream().filter(r -> r.code() == code).findFirst()
        .orElseThrow(() -> new AssertionError("no " + code + " in " + explanation));
  }

  private void deployWorker(WorkerOptions options, JobHandlers handlers) {
    await(vertx.deployVerticle(() -> spool.worker(options.setShutdownTimeout(Duration.ofMillis(200)), handlers),
        new DeploymentOptions()));
  }

  @Test
  void aJobWithNoWorkerDueLaterInAPausedQueueBehindOthersSaysAllOfIt() {
    long first = enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    long third = enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    long later = enqueue(WORK, new EnqueueOptions().setQueue("mail").setDelay(Duration.ofHours(1)));

    JobExplanation waiting = explain(third);
    assertThat(waiting.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(reason(waiting, Code.JOBS_AHEAD).figures().getLong("ahead")).isEqualTo(2);
    assertThat(reason(waiting, Code.NO_WORKER_FOR_QUEUE).message()).contains("no live worker serves queue mail");
    assertThat(waiting.has(Code.NO_LEADER)).isTrue();
    assertThat(explain(first).has(Code.JOBS_AHEAD)).isFalse();

    JobExplanation scheduled = explain(later);
    assertThat(scheduled.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(reason(scheduled, Code.DUE_LATER).figures().getDouble("due_in_seconds")).isBetween(3500.0, 3600.0);
    assertThat(scheduled.has(Code.JOBS_AHEAD)).isFalse();

    await(spool.client().pauseQueue("mail"));
    assertThat(reason(explain(first), Code.QUEUE_PAUSED).figures().getString("paused_at")).isNotNull();
    assertThat(await(admin.explain(987654321L))).isEmpty();
  }

  @Test
  void aJobWhoseTaskNoLiveWorkerHandlesIsReportedNotLeftWaiting() {
    deployWorker(new WorkerOptions(), new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()));
    long orphan = enqueue(OTHER, new EnqueueOptions());
    eventually(Duration.ofSeconds(10), () -> explain(orphan).has(Code.NO_WORKER_FOR_TASK));
    JobExplanation explanation = explain(orphan);
    assertThat(explanation.has(Code.NO_WORKER_FOR_QUEUE)).isFalse();
    assertThat(reason(explanation, Code.NO_WORKER_FOR_TASK).message())
        .contains("none of the 1 live workers of queue default handles task other");
    eventually(Duration.ofSeconds(10), () -> !explain(orphan).has(Code.NO_LEADER));

    enqueue(WORK, new EnqueueOptions().setQueue("nobody"));
    List<Unserved> unserved = await(admin.unserved(Duration.ofSeconds(5)));
    assertThat(unserved).containsExactly(new Unserved("default", "other", true, 1), new Unserved("nobody", "work", false, 1));
    assertThat(unserved.get(0).message()).isEqualTo("no live worker of queue default handles task other (1 due jobs wait)");
  }

  @Test
  void fullRateWindowsAndSaturatedConcurrencySayUntilWhenAndHowMany() {
    Promise<Void> never = Promise.promise();
    deployWorker(new WorkerOptions().setQueues("slow")
            .setQueueOptions("slow", new QueueOptions().setGlobalConcurrency(1).setRateLimit(RateLimit.of(1, Duration.ofHours(1)))),
        new JobHandlers().register(WORK, (a, c) -> never.future()));
    long first = enqueue(WORK, new EnqueueOptions().setQueue("slow"));
    long second = enqueue(WORK, new EnqueueOptions().setQueue("slow"));
    eventually(Duration.ofSeconds(10), () -> count("id = $1 and state = 'running'", first) == 1);

    JobExplanation running = explain(first);
    assertThat(reason(running, Code.RUNNING).figures().getString("worker")).isNotNull();

    JobExplanation held = explain(second);
    JobExplanation.Reason window = reason(held, Code.QUEUE_RATE_LIMITED);
    assertThat(window.figures().getInteger("limit")).isEqualTo(1);
    assertThat(window.figures().getInteger("started_in_window")).isEqualTo(1);
    assertThat(Instant.parse(window.figures().getString("until"))).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    JobExplanation.Reason saturated = reason(held, Code.CONCURRENCY_SATURATED);
    assertThat(saturated.message()).contains("runs 1 of its 1 jobs at once");
    assertThat(held.has(Code.NO_WORKER_FOR_QUEUE)).isFalse();
  }

  @Test
  void aJobRunningOnAWorkerThatIsGoneSaysWhenTheRescuerTakesIt() {
    long id = enqueue(WORK, new EnqueueOptions());
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'ghost/1', "
        + "lease_expires_at = now() + interval '30 seconds' where id = $1", id);
    JobExplanation.Reason gone = reason(explain(id), Code.WORKER_GONE);
    assertThat(gone.figures().getString("worker")).isEqualTo("ghost/1");
    assertThat(Instant.parse(gone.figures().getString("rescue_by"))).isBefore(Instant.now().plusSeconds(10));

    sql("update {schema}.jobs set state = 'dead', finished_at = now() where id = $1", id);
    JobExplanation dead = explain(id);
    assertThat(dead.reasons()).extracting(JobExplanation.Reason::code).containsExactly(Code.FINISHED);
  }
}
