package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Results, awaits, workflows, batches with a callback and progress, against a real PostgreSQL. */
class WorkflowTest extends SpoolTestBase {

  static final Task<JsonObject> STEP = Task.json("step");
  static final Task<JsonObject> CALLBACK = Task.json("callback");

  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  private JobHandlers handlers() {
    JobHandlers handlers = BuiltInTasks.register(new JobHandlers())
        .register(STEP, (args, ctx) -> {
          ran.add(args.getString("name"));
          if (args.getBoolean("fail", false)) {
            return Future.failedFuture(new GiveUpException("step " + args.getString("name") + " fails"));
          }
          return ctx.parents().map(parents -> new JsonObject().put("name", args.getString("name"))
              .put("parents", parents.size()));
        }, new HandlerOptions().setRetryPolicy(new RetryPolicy().setMaxAttempts(1)));
    return handlers.register(CALLBACK, (args, ctx) -> {
      ran.add("callback");
      return ctx.parentStates().map(states -> {
        JsonObject tally = new JsonObject();
        states.forEach((state, n) -> tally.put(state.sqlName(), n));
        return tally;
      });
    });
  }

  private void workers() {
    await(spool.deployWorkers(new WorkerOptions().setRescueInterval(Duration.ofMillis(200)), handlers(), 1));
  }

  private static JsonObject named(String name) {
    return new JsonObject().put("name", name);
  }

  @Test
  void echoCompletesWithItsArgumentsAsResultKeptAfterCompletion() {
    workers();
    long id = await(spool.client().enqueue(BuiltInTasks.ECHO, new JsonObject().put("hello", "world")));
    JobResult done = await(spool.client().await(id, Duration.ofSeconds(10)));
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.json()).isEqualTo(new JsonObject().put("hello", "world"));
    // completed jobs are deleted at once by default, but one with a result is kept for the results window, in the
    // kept history (V018), outside the table the claims read
    assertThat(await(spool.client().result(id)).json()).isEqualTo(new JsonObject().put("hello", "world"));
    assertThat(countAll("id = $1 and state = 'completed'", id)).isEqualTo(1);
    assertThat(count("id = $1", id)).isZero();
  }

  @Test
  void plainJobsWithoutResultAreStillDeletedAtOnce() {
    workers();
    long id = await(spool.client().enqueue(BuiltInTasks.NOOP, new JsonObject()));
    eventually(Duration.ofSeconds(10), () -> count("id = $1", id) == 0);
    assertThatThrownBy(() -> await(spool.client().result(id))).isInstanceOf(NoSuchJobException.class);
  }

  @Test
  void awaitInAnotherProcessIsAnsweredWhenTheJobFinishes() {
    // the awaiting "process": its own Vert.x and Spool, no workers
    Vertx other = otherVertx();
    Spool caller = newSpool(other, new SpoolOptions().setSchema(schema));
    long ok = await(caller.client().enqueue(BuiltInTasks.ECHO, new JsonObject().put("n", 1)));
    long bad = await(caller.client().enqueue(STEP, named("x").put("fail", true)));
    Future<JobResult> okAnswer = caller.client().await(ok, Duration.ofSeconds(20));
    Future<JobResult> badAnswer = caller.client().await(bad, Duration.ofSeconds(20));
    workers();
    assertThat(await(okAnswer).json()).isEqualTo(new JsonObject().put("n", 1));
    JobResult dead = await(badAnswer);
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.error().getString("message")).contains("step x fails");
    await(caller.close());
  }

  @Test
  void awaitTimesOutAndRejectsUnknownIds() {
    long id = await(spool.client().enqueue(BuiltInTasks.NOOP, new JsonObject()));
    assertThatThrownBy(() -> await(spool.client().await(id, Duration.ofMillis(200))))
        .isInstanceOf(AwaitTimeoutException.class);
    assertThatThrownBy(() -> await(spool.client().await(987654321L, Duration.ofSeconds(1))))
        .isInstanceOf(NoSuchJobException.class);
  }

  @Test
  void stepsRunAfterAllTheirParentsAndReadTheirResults() {
    Workflow wf = Workflow.named("diamond")
        .step("a", STEP, named("a"))
        .step("b", STEP, named("b"), new StepOptions().dependsOn("a"))
        .step("c", STEP, named("c"), new StepOptions().dependsOn("a"))
        .step("d", STEP, named("d"), new StepOptions().dependsOn("b", "c"));
    WorkflowRun run = await(spool.client().enqueueWorkflow(wf));
    assertThat(count("workflow_id = $1 and state = 'waiting'", run.id())).isEqualTo(3);
    workers();
    JobResult d = await(spool.client().await(run.id("d"), Duration.ofSeconds(20)));
    assertThat(d.json()).isEqualTo(new JsonObject().put("name", "d").put("parents", 2));
    assertThat(ran.indexOf("a")).isLessThan(ran.indexOf("b")).isLessThan(ran.indexOf("d"));
    assertThat(ran.indexOf("c")).isLessThan(ran.indexOf("d"));
    WorkflowStatus status = await(spool.client().workflow(run.id())).orElseThrow();
    assertThat(status.isFinished()).isTrue();
    assertThat(status.count(JobState.COMPLETED)).isEqualTo(4);
  }

  @Test
  void aDeadParentCancelsItsDependentsAndRetryingItBringsThemBack() {
    Workflow wf = Workflow.named("fails")
        .step("a", STEP, named("a").put("fail", true))
        .step("b", STEP, named("b"), new StepOptions().dependsOn("a"))
        .step("c", STEP, named("c"), new StepOptions().dependsOn("b"))
        .step("anyway", STEP, named("anyway"), new StepOptions().dependsOn("a").setRunOnParentFailure(true));
    WorkflowRun run = await(spool.client().enqueueWorkflow(wf));
    workers();
    JobResult c = await(spool.client().await(run.id("c"), Duration.ofSeconds(20)));
    assertThat(c.state()).isEqualTo(JobState.CANCELLED);
    JobResult b = await(spool.client().result(run.id("b")));
    assertThat(b.error().getString("message")).isEqualTo("parent job " + run.id("a") + " (step a) ended dead");
    assertThat(await(spool.client().await(run.id("anyway"), Duration.ofSeconds(20))).state()).isEqualTo(JobState.COMPLETED);
    assertThat(ran).doesNotContain("b", "c");

    // the parent is fixed and retried: its dependents wait again, then run
    sql("update {schema}.jobs set args = convert_to('{\"name\":\"a\"}', 'UTF8') where id = $1", run.id("a"));
    JobAdmin admin = spool.admin();
    assertThat(await(admin.retry(run.id("a")))).isEqualTo(RetryResult.RETRIED);
    await(admin.close());
    eventually(Duration.ofSeconds(20), () -> count("workflow_id = $1 and state = 'completed'", run.id()) == 4);
    assertThat(ran).contains("b", "c");
  }

  @Test
  void retryingEveryDeadJobBringsBackTheDependentsTheyCancelled() {
    WorkflowRun first = await(spool.client().enqueueWorkflow(Workflow.named("one")
        .step("a", STEP, named("a1").put("fail", true))
        .step("b", STEP, named("b1"), new StepOptions().dependsOn("a"))
        .step("c", STEP, named("c1"), new StepOptions().dependsOn("b"))));
    WorkflowRun second = await(spool.client().enqueueWorkflow(Workflow.named("two")
        .step("a", STEP, named("a2").put("fail", true))
        .step("b", STEP, named("b2"), new StepOptions().dependsOn("a"))));
    workers();
    assertThat(await(spool.client().await(first.id("c"), Duration.ofSeconds(20))).state()).isEqualTo(JobState.CANCELLED);
    assertThat(await(spool.client().await(second.id("b"), Duration.ofSeconds(20))).state()).isEqualTo(JobState.CANCELLED);

    // both parents are fixed, then every dead job is retried at once
    sql("update {schema}.jobs set args = convert_to('{\"name\":\"a\"}', 'UTF8') where state = 'dead'");
    JobAdmin admin = spool.admin();
    assertThat(await(admin.retryDead(null, null))).isEqualTo(2);
    await(admin.close());
    assertThat(await(spool.client().await(first.id("c"), Duration.ofSeconds(20))).state()).isEqualTo(JobState.COMPLETED);
    assertThat(await(spool.client().await(second.id("b"), Duration.ofSeconds(20))).state()).isEqualTo(JobState.COMPLETED);
    assertThat(ran).contains("b1", "c1", "b2");
  }

  @Test
  void cancellingAWorkflowCancelsItsUnfinishedSteps() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.chain("chain",
        List.of(JobRequest.of(STEP, named("1")), JobRequest.of(STEP, named("2")), JobRequest.of(STEP, named("3"))))));
    assertThat(await(spool.client().cancelWorkflow(run.id()))).isEqualTo(3);
    assertThat(count("workflow_id = $1 and state = 'cancelled'", run.id())).isEqualTo(3);
  }

  @Test
  void aBatchCallbackRunsOnceWithTheTally() {
    List<JobRequest<?>> batch = new ArrayList<>();
    IntStream.range(0, 20).forEach(i -> batch.add(JobRequest.of(STEP, named("s" + i).put("fail", i % 5 == 0))));
    WorkflowRun run = await(spool.client().enqueueWorkflow(
        Workflow.chord("batch", batch, JobRequest.of(CALLBACK, new JsonObject()))));
    workers();
    JobResult callback = await(spool.client().await(run.id("callback"), Duration.ofSeconds(20)));
    assertThat(callback.json()).isEqualTo(new JsonObject().put("completed", 16).put("dead", 4));
    assertThat(ran.stream().filter("callback"::equals).count()).isEqualTo(1);
  }

  @Test
  void dependenciesCanBeBuiltInPlainSql() {
    long a = sql("select {schema}.enqueue('spool.echo', '{\"v\":1}'::jsonb)").iterator().next().getLong(0);
    long b = sql("select {schema}.enqueue('spool.echo', '{\"v\":2}'::jsonb, depends_on => array[" + a + "]::bigint[])")
        .iterator().next().getLong(0);
    assertThat(count("id = $1 and state = 'waiting'", b)).isEqualTo(1);
    workers();
    assertThat(await(spool.client().await(b, Duration.ofSeconds(20))).json()).isEqualTo(new JsonObject().put("v", 2));
  }

  @Test
  void badDependenciesAreClearErrorsAndEnqueueNothing() {
    long before = count("true");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', depends_on => array[123456789]::bigint[])"))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("SP404"));
    long a = sql("select {schema}.enqueue('t')").iterator().next().getLong(0);
    assertThatThrownBy(() -> sql("select {schema}.enqueue('t', depends_on => array[" + a + ", null]::bigint[])"))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("SP400"));
    assertThat(count("true")).isEqualTo(before + 1);
    assertThatThrownBy(() -> Workflow.named("w").step("a", STEP, named("a"), new StepOptions().dependsOn("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
    Workflow cycle = Workflow.named("cycle")
        .step("a", STEP, named("a"), new StepOptions().dependsOn("b"))
        .step("b", STEP, named("b"), new StepOptions().dependsOn("a"));
    assertThatThrownBy(() -> await(spool.client().enqueueWorkflow(cycle)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cycle");
    assertThat(count("true")).isEqualTo(before + 1);
  }

  @Test
  void aResultOverTheLimitSendsTheJobToDead() {
    Spool small = newSpool(vertx, new SpoolOptions().setSchema(schema).setMaxResultBytes(10));
    await(small.deployWorkers(new WorkerOptions(), handlers(), 1));
    long id = await(small.client().enqueue(BuiltInTasks.ECHO, new JsonObject().put("text", "far more than ten bytes")));
    JobResult dead = await(small.client().await(id, Duration.ofSeconds(20)));
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.error().getString("message")).contains("more than the limit of 10");
  }

  @Test
  void progressIsWrittenByTheHeartbeatAndVisible() {
    Promise<Void> release = Promise.promise();
    Task<JsonObject> slow = Task.json("slow");
    await(spool.deployWorkers(new WorkerOptions().setHeartbeatInterval(Duration.ofMillis(100)),
        new JobHandlers().register(slow, (args, ctx) -> {
          for (int i = 1; i <= 50; i++) {
            ctx.progress(i, new JsonObject().put("of", 50));
          }
          return release.future();
        }), 1));
    long id = await(spool.client().enqueue(slow, new JsonObject()));
    eventually(Duration.ofSeconds(10), () -> await(spool.client().result(id)).progress() != null);
    assertThat(await(spool.client().result(id)).progress())
        .isEqualTo(new JsonObject().put("value", 50).put("details", new JsonObject().put("of", 50)));
    // an awaiter of the running job hears of its completion (its row is then kept, as awaited jobs are)
    Future<JobResult> answer = spool.client().await(id, Duration.ofSeconds(10));
    eventually(Duration.ofSeconds(5), () -> count("id = $1 and awaited", id) == 1);
    release.complete();
    assertThat(await(answer).state()).isEqualTo(JobState.COMPLETED);
  }
}
