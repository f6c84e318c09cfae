package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.GiveUpException;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Snooze;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** drain runs due jobs with the registered handlers and reports what the runtime decided for each. */
@SpoolTest
class DrainTest {

  static final Task<JsonObject> WORK = Task.json("work");

  /** A handler that does what its job's {@code action} says. */
  static Future<Object> act(JsonObject args) {
    return switch (args.getString("action")) {
      case "ok" -> Future.succeededFuture(new JsonObject().put("done", args.getInteger("n")));
      case "fail" -> Future.failedFuture(new IllegalStateException("failed " + args.getInteger("n")));
      case "give-up" -> Future.failedFuture(new GiveUpException("no point"));
      case "snooze" -> Snooze.after(Duration.ofMinutes(5));
      default -> throw new IllegalArgumentException(args.encode());
    };
  }

  private static JsonObject job(String action, int n) {
    return new JsonObject().put("action", action).put("n", n);
  }

  @Test
  void drainRunsTheDueJobsAndReportsEachOutcome(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> act(args));
    for (String action : List.of("ok", "fail", "give-up", "snooze", "ok")) {
      result(spool.client().enqueue(WORK, job(action, spool.allEnqueued().size())));
    }

    DrainResult drained = spool.drain("default");

    assertThat(drained.outcomes()).extracting(JobOutcome::kind).containsExactly(JobOutcome.Kind.COMPLETED,
        JobOutcome.Kind.RETRIED, JobOutcome.Kind.DEAD, JobOutcome.Kind.SNOOZED, JobOutcome.Kind.COMPLETED);
    assertThat(drained.toString()).isEqualTo("2 completed, 1 retried, 1 dead, 1 snoozed");
    assertThat(drained.results()).containsExactly(new JsonObject().put("done", 0), new JsonObject().put("done", 4));
    JobOutcome retried = drained.outcomes().get(1);
    assertThat(retried.error().getString("message")).isEqualTo("failed 1");
    assertThat(retried.failure()).isInstanceOf(IllegalStateException.class);
    assertThat(retried.delay()).isBetween(Duration.ofMillis(900), Duration.ofMillis(1100)); // first backoff: 1 s ± 10 %
    assertThat(drained.outcomes().get(3).delay()).isEqualTo(Duration.ofMinutes(5));
    // what the runtime wrote: the retried and the snoozed wait for their time, the rest are gone
    assertThat(spool.allEnqueued()).extracting(j -> j.args().getString("action")).containsExactly("fail", "snooze");
    assertThat(spool.allEnqueued()).allMatch(EnqueuedJob::scheduled);
    assertThat(result(spool.client().find(drained.outcomes().get(2).id())).orElseThrow().state()).isEqualTo(JobState.DEAD);
  }

  @Test
  void drainRunsOnlyTheQueueNamedAndOnlyDueJobs(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> act(args));
    result(spool.client().enqueue(WORK, job("ok", 1), new EnqueueOptions().setQueue("other")));
    result(spool.client().enqueue(WORK, job("ok", 2), new EnqueueOptions().setDelay(Duration.ofHours(1))));
    result(spool.client().enqueue(WORK, job("ok", 3)));

    assertThat(spool.drain("default").results()).containsExactly(new JsonObject().put("done", 3));
    assertThat(spool.allEnqueued()).hasSize(2);
    assertThat(spool.drain("default", new DrainOptions().setIncludeScheduled(true)).results())
        .containsExactly(new JsonObject().put("done", 2));
    assertThat(spool.drain("other").completed()).isEqualTo(1);
  }

  @Test
  void withoutFollowJobsEnqueuedByHandlersWaitAndWithFollowTheyRun(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> {
      int n = args.getInteger("n");
      return n == 0 ? Future.succeededFuture() : spool.client().enqueue(WORK, job("ok", n - 1)).mapEmpty();
    });
    result(spool.client().enqueue(WORK, job("chain", 3)));

    assertThat(spool.drain("default").completed()).isEqualTo(1);
    spool.assertEnqueued(JobMatch.task(WORK).args(new JsonObject().put("n", 2)));
    assertThat(spool.drain("default", DrainOptions.untilIdle()).completed()).isEqualTo(3);
    assertThat(spool.allEnqueued()).isEmpty();
  }

  @Test
  void followWithScheduledRetriesUntilEachJobCompletesOrDies(SpoolTester spool) {
    AtomicInteger runs = new AtomicInteger();
    spool.register(WORK, (args, ctx) -> runs.incrementAndGet() < 3 ? Future.failedFuture(new IllegalStateException("flaky"))
        : Future.succeededFuture());
    result(spool.client().enqueue(WORK, job("flaky", 1)));

    DrainResult drained = spool.drain("default", DrainOptions.untilIdle().setIncludeScheduled(true));

    assertThat(drained.outcomes()).extracting(JobOutcome::kind, JobOutcome::attempt).containsExactly(
        org.assertj.core.groups.Tuple.tuple(JobOutcome.Kind.RETRIED, 1),
        org.assertj.core.groups.Tuple.tuple(JobOutcome.Kind.RETRIED, 2),
        org.assertj.core.groups.Tuple.tuple(JobOutcome.Kind.COMPLETED, 3));
  }

  @Test
  void drainAllRunsAWorkflowToItsEndAcrossQueues(SpoolTester spool) {
    List<String> ran = new ArrayList<>();
    spool.register(WORK, (args, ctx) -> {
      ran.add(args.getString("step"));
      return ctx.parents().map(parents -> new JsonObject().put("step", args.getString("step"))
          .put("parents", parents.size()));
    });
    WorkflowRun run = result(spool.client().enqueueWorkflow(Workflow.named("report")
        .step("fetch", WORK, new JsonObject().put("step", "fetch"))
        .step("render", new JobRequest<>(WORK, new JsonObject().put("step", "render"),
            new EnqueueOptions().setQueue("cpu")), new dev.spool.StepOptions().dependsOn("fetch"))
        .step("mail", WORK, new JsonObject().put("step", "mail"), new dev.spool.StepOptions().dependsOn("render"))));

    DrainResult drained = spool.drainAll(DrainOptions.untilIdle());

    assertThat(ran).containsExactly("fetch", "render", "mail");
    assertThat(drained.of("work")).hasSize(3);
    assertThat(drained.results()).last().isEqualTo(new JsonObject().put("step", "mail").put("parents", 1));
    assertThat(result(spool.client().workflow(run.id())).orElseThrow().steps())
        .extracting(step -> step.state()).containsOnly(JobState.COMPLETED);
  }

  @Test
  void drainOfATaskNoHandlerServesSaysSoInsteadOfWaiting(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> Future.succeededFuture());
    result(spool.client().enqueue(Task.json("wrok"), new JsonObject()));
    result(spool.client().enqueue(Task.json("wrok"), new JsonObject()));

    assertThatThrownBy(() -> spool.drain("default"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("drain(\"default\"): 2 due jobs have no handler, so nothing would run them: task \"wrok\" (2). "
            + "Registered: work. Did you mean \"work\" for \"wrok\"?");
    assertThat(spool.allEnqueued()).hasSize(2); // nothing lost
  }

  @Test
  void aHandlerThatEnqueuesForeverStopsAtTheLimitWithAClearError(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> spool.client().enqueue(WORK, new JsonObject()).mapEmpty());
    result(spool.client().enqueue(WORK, new JsonObject()));

    assertThatThrownBy(() -> spool.drain("default", DrainOptions.untilIdle().setMaxJobs(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("drain(\"default\") stopped after 20 jobs (DrainOptions.maxJobs) with 1 still due: task \"work\" (1). "
            + "A handler that enqueues a job each time it runs keeps a followed drain going forever; raise maxJobs "
            + "if the work is finite.");
  }

  @Test
  void aJobCompletedInItsHandlersTransactionIsCompleted(SpoolTester spool) {
    spool.register(WORK, (args, ctx) -> ctx.completeInTransaction(conn -> conn.query("select 1").execute()));
    long id = result(spool.client().enqueue(WORK, new JsonObject()));

    assertThat(spool.drain("default").outcomes()).extracting(JobOutcome::kind).containsExactly(JobOutcome.Kind.COMPLETED);
    assertThat(result(spool.client().find(id))).isEmpty(); // completed jobs are deleted by default
  }

  @Test
  void drainOfAnEmptyQueueRunsNothing(SpoolTester spool) {
    assertThat(spool.drain("default").outcomes()).isEmpty();
  }
}
