package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobExplanation.Code;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
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

  private static JsonObject entry(JsonArray parents, long id) {
    return parents.stream().map(JsonObject.class::cast).filter(p -> p.getLong("id") == id).findFirst()
        .orElseThrow(() -> new AssertionError("no parent " + id + " in " + parents));
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

  @Test
  void aJobWaitingOnItsParentsNamesThemWithTheirOwnFirstReasonOneLevelDeep() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", WORK, new JsonObject(), new StepOptions().setEnqueueOptions(new EnqueueOptions().setQueue("mail")))
        .step("parse", WORK, new JsonObject(), new StepOptions().dependsOn("fetch"))
        .step("config", WORK, new JsonObject(),
            new StepOptions().setEnqueueOptions(new EnqueueOptions().setDelay(Duration.ofHours(1))))
        .step("index", WORK, new JsonObject(), new StepOptions().dependsOn("config", "parse"))));
    long fetch = run.id("fetch");
    long parse = run.id("parse");
    long config = run.id("config");
    long index = run.id("index");

    JobExplanation waiting = explain(index);
    assertThat(waiting.state()).isEqualTo(JobState.WAITING);
    JobExplanation.Reason parents = waiting.reasons().get(0);
    assertThat(parents.code()).isEqualTo(Code.WAITING_ON_DEPENDENCIES);
    assertThat(parents.message()).startsWith("it waits on 2 of its 2 parents: ")
        .contains("job " + config + " (scheduled: it is due at ")
        .contains("job " + parse + " (waiting: it waits on 1 of its 1 parents: job " + fetch + " (available))")
        .endsWith("; it runs once they complete, and is cancelled instead if one ends dead or cancelled");
    assertThat(parents.figures().getLong("parents")).isEqualTo(2);
    assertThat(parents.figures().getLong("unfinished")).isEqualTo(2);
    assertThat(parents.figures().getBoolean("run_on_parent_failure")).isFalse();
    JsonObject parseEntry = entry(parents.figures().getJsonArray("waiting_on"), parse);
    assertThat(parseEntry.getString("state")).isEqualTo("waiting");
    JsonObject parseReason = parseEntry.getJsonObject("reason");
    assertThat(parseReason.getString("code")).isEqualTo("waiting_on_dependencies");
    // one level deep: the parent's own parent is named with its state, not explained
    JsonObject grandparent = entry(parseReason.getJsonObject("figures").getJsonArray("waiting_on"), fetch);
    assertThat(grandparent.getString("state")).isEqualTo("available");
    assertThat(grandparent.containsKey("reason")).isFalse();
    JsonObject configEntry = entry(parents.figures().getJsonArray("waiting_on"), config);
    assertThat(configEntry.getString("state")).isEqualTo("scheduled");
    assertThat(configEntry.getJsonObject("reason").getString("code")).isEqualTo("due_later");
    // a parent nothing holds back says so rather than giving a reason
    JobExplanation.Reason parseWaits = explain(parse).reasons().get(0);
    assertThat(parseWaits.message()).contains("job " + fetch + " (available: no live worker serves queue mail");

    // a cancelled parent cancels its dependents, and their explanation says which
    assertThat(await(spool.client().cancel(config))).isEqualTo(CancelResult.CANCELLED);
    JobExplanation cancelled = explain(index);
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(reason(cancelled, Code.FINISHED).message())
        .isEqualTo("it has finished: cancelled (parent job " + config + " (step config) ended cancelled)");
  }

  @Test
  void aDeadParentNotYetSettledSaysItsChildIsCancelledUnlessItRunsOnParentFailure() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("report")
        .step("a", WORK, new JsonObject())
        .step("b", WORK, new JsonObject())
        .step("strict", WORK, new JsonObject(), new StepOptions().dependsOn("a", "b"))
        .step("callback", WORK, new JsonObject(), new StepOptions().dependsOn("a", "b").setRunOnParentFailure(true))));
    long a = run.id("a");
    // as a rescue leaves a job whose attempts were used up: dead, its dependents told by the leader's sweep
    sql("update {schema}.jobs set state = 'dead', finished_at = now() where id = $1", a);

    JobExplanation.Reason strict = reason(explain(run.id("strict")), Code.WAITING_ON_DEPENDENCIES);
    assertThat(strict.message()).startsWith("parent job " + a + " ended dead: it is cancelled instead of run")
        .contains("it waits on 1 of its 2 parents: job " + run.id("b") + " (available");
    assertThat(strict.figures().getJsonArray("failed").getJsonObject(0).getString("state")).isEqualTo("dead");

    JobExplanation.Reason callback = reason(explain(run.id("callback")), Code.WAITING_ON_DEPENDENCIES);
    assertThat(callback.message()).doesNotContain("cancelled instead")
        .endsWith("it runs once they finish, whether they complete or end dead or cancelled");
    assertThat(callback.figures().getBoolean("run_on_parent_failure")).isTrue();
  }
}
