package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Completed jobs kept in keep mode live in the kept history ({@code jobs_done}, outside the table the claims read);
 * every way a user reads a job finds them there as it found them in the jobs table.
 */
class KeptHistoryTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(20);

  private Spool keeping() {
    Spool keeping = newSpool(vertx, new SpoolOptions().setSchema(schema).setKeepCompleted(true));
    await(vertx.deployVerticle(() -> keeping.worker(new WorkerOptions(), new JobHandlers()
        .register(WORK, (args, ctx) -> Future.succeededFuture())), new DeploymentOptions()));
    return keeping;
  }

  @Test
  void aKeptJobIsFoundByTheClientAndTheAdminApiAfterItCompleted() {
    keeping();
    long id = await(spool.client().enqueue(WORK, new JsonObject().put("n", 1), new EnqueueOptions()));
    eventually(WAIT, () -> countAll("id = " + id + " and state = 'completed'") == 1);

    assertThat(count("true")).isZero(); // not in the table the claims read
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.queue()).isEqualTo("default");
    assertThat(job.finishedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
    assertThat(job.leaseOwner()).isNull();
    assertThat(await(spool.client().result(id)).state()).isEqualTo(JobState.COMPLETED);
    assertThat(await(spool.client().await(id, Duration.ofSeconds(5))).isCompleted()).isTrue();
    assertThat(await(spool.client().cancel(id))).isEqualTo(CancelResult.ALREADY_FINISHED);
    assertThat(await(spool.client().countByQueueAndState()).get("default")).containsEntry(JobState.COMPLETED, 1L);

    JobAdmin admin = spool.admin();
    try {
      assertThat(await(admin.find(id)).orElseThrow().finishedAt()).isEqualTo(job.finishedAt());
      assertThat(await(admin.list(new JobQuery().setState(JobState.COMPLETED))).stream().map(Job::id)).containsExactly(id);
      assertThat(await(admin.list(new JobQuery().setQueue("default"))).stream().map(Job::id)).containsExactly(id);
      assertThat(await(admin.countByState(id, id))).isEqualTo(Map.of(JobState.COMPLETED, 1L));
      assertThat(await(admin.newestJobId())).isEqualTo(id);
      assertThat(await(admin.retry(id))).isEqualTo(RetryResult.NOT_RETRYABLE);
      assertThat(await(admin.explain(id)).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
      assertThat(await(admin.queues()).stream().filter(q -> q.name().equals("default")).findFirst().orElseThrow()
          .count(JobState.COMPLETED)).isEqualTo(1);
      assertThat(await(admin.depths())).anyMatch(d -> d.queue().equals("default") && d.state() == JobState.COMPLETED
          && d.jobs() == 1);
      assertThat(await(admin.outcome(id))).isPresent();
    } finally {
      await(admin.close());
    }
  }

  @Test
  void aJobWithAResultIsKeptInTheHistoryWithItForTheResultsWindow() {
    // the defaults: completed jobs deleted, results kept a day
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    JsonObject args = new JsonObject().put("n", 1);
    long id = await(spool.client().enqueue(BuiltInTasks.ECHO, args, new EnqueueOptions()));
    eventually(WAIT, () -> countAll("id = " + id + " and state = 'completed'") == 1);

    assertThat(count("true")).isZero(); // not in the table the claims read
    assertThat(await(spool.client().result(id)).json()).isEqualTo(args);
    assertThat(await(spool.client().await(id, Duration.ofSeconds(5))).json()).isEqualTo(args);
    // a child added afterwards runs after it
    long child = await(spool.pool().preparedQuery("select " + schema + ".enqueue('spool.noop', depends_on =>"
        + " array[$1::bigint])").execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getLong(0);
    assertThat(await(spool.client().await(child, WAIT)).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void withAResultsWindowOfZeroAJobWithAResultStaysInJobsForThePrunersNextPass() {
    Spool zero = newSpool(vertx, new SpoolOptions().setSchema(schema)
        .setRetention(new RetentionOptions().setResults(Duration.ZERO).setPruneInterval(Duration.ofHours(1))));
    await(zero.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    long id = await(spool.client().enqueue(BuiltInTasks.ECHO, new JsonObject().put("n", 1), new EnqueueOptions()));

    eventually(WAIT, () -> count("id = " + id + " and state = 'completed' and result is not null") == 1);
    assertThat(countAll("true")).isEqualTo(1);
  }

  @Test
  void aWorkflowsStepsAreAllListedOnceItCompleted() {
    keeping();
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("pair")
        .step("first", WORK, new JsonObject())
        .step("second", WORK, new JsonObject(), new StepOptions().dependsOn("first"))));
    eventually(WAIT, () -> countAll("workflow_id = " + run.id() + " and state = 'completed'") == 2);

    WorkflowStatus status = await(spool.client().workflow(run.id())).orElseThrow();
    assertThat(status.steps()).hasSize(2).allMatch(s -> s.state() == JobState.COMPLETED);
    // steps stay in jobs, where their workflow's view and functions read them
    assertThat(count("workflow_id = " + run.id())).isEqualTo(2);
  }
}
