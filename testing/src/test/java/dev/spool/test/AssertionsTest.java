package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each assertion passing, and failing with the message a user reads. */
@SpoolTest
class AssertionsTest {

  static final Task<JsonObject> EMAIL = Task.json("send-email");

  private static long enqueue(JobClient client, String task, JsonObject args, EnqueueOptions options) {
    return result(client.enqueue(Task.json(task), args, options));
  }

  private static long enqueue(JobClient client, String task, JsonObject args) {
    return enqueue(client, task, args, new EnqueueOptions());
  }

  @Test
  void assertEnqueuedMatchesArgsAsAJsonSubset(SpoolTester spool) {
    long id = enqueue(spool.client(), "send-email", new JsonObject().put("to", "a@example.com").put("lang", "en")
        .put("meta", new JsonObject().put("campaign", 7).put("source", "signup")).put("tags", new JsonArray().add("x")));

    EnqueuedJob job = spool.assertEnqueued("send-email", new JsonObject().put("to", "a@example.com")
        .put("meta", new JsonObject().put("campaign", 7L)).put("tags", new JsonArray().add("x")));

    assertThat(job.id()).isEqualTo(id);
    assertThat(job.queue()).isEqualTo("default");
    assertThat(job.args().getString("lang")).isEqualTo("en");
  }

  @Test
  void assertEnqueuedFailsListingTheClosestJobsAndWhatDiffers(SpoolTester spool) {
    long close = enqueue(spool.client(), "send-email", new JsonObject().put("to", "b@example.com"));
    long far = enqueue(spool.client(), "report", new JsonObject().put("month", 3), new EnqueueOptions().setQueue("reports"));

    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task("send-email")
        .args(new JsonObject().put("to", "a@example.com")).queue("default")))
        .isInstanceOf(AssertionError.class)
        .hasMessage(("expected an enqueued job matching task \"send-email\", args ⊇ {\"to\":\"a@example.com\"}, queue \"default\"\n"
            + "but none of the 2 enqueued jobs matches; the closest:\n"
            + "  #%d send-email (queue default) args {\"to\":\"b@example.com\"}: args.to is \"b@example.com\", expected \"a@example.com\"\n"
            + "  #%d report (queue reports) args {\"month\":3}: task is \"report\"; args.to is missing; queue is \"reports\"")
            .formatted(close, far));
  }

  @Test
  void assertEnqueuedOnAnEmptySchemaSaysNothingIsEnqueued(SpoolTester spool) {
    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task(EMAIL)))
        .hasMessage("expected an enqueued job matching task \"send-email\"\nbut no job is enqueued");
  }

  @Test
  void assertEnqueuedOnAMisspeltTaskNamesTheLikelyOne(SpoolTester spool) {
    spool.register(EMAIL, (args, ctx) -> Future.succeededFuture());
    enqueue(spool.client(), "send-email", new JsonObject());

    assertThatThrownBy(() -> spool.assertEnqueued("send-emial", new JsonObject()))
        .hasMessageEndingWith("no handler is registered for task \"send-emial\" and no job of it is enqueued: "
            + "did you mean \"send-email\"?");
  }

  @Test
  void queuePriorityKeyAndUniqueKeyAreMatched(SpoolTester spool) {
    enqueue(spool.client(), "sync", new JsonObject(), new EnqueueOptions().setQueue("tenants").setPriority(3)
        .setKey("tenant-9").setUniqueKey("sync-9"));

    spool.assertEnqueued(JobMatch.task("sync").queue("tenants").priority(3).key("tenant-9").uniqueKey("sync-9"));
    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task("sync").priority(1).key("tenant-8").uniqueKey("x")))
        .hasMessageContaining(": priority is 3; key is \"tenant-9\"; unique key is \"sync-9\"");
  }

  @Test
  void scheduledTimeMatchesWithinTheTolerance(SpoolTester spool) {
    Instant in1h = spool.now().plus(Duration.ofHours(1));
    enqueue(spool.client(), "remind", new JsonObject(), new EnqueueOptions().setDelay(Duration.ofHours(1)));

    EnqueuedJob job = spool.assertEnqueued(JobMatch.task("remind").runAt(in1h, Duration.ofSeconds(5)));
    assertThat(job.scheduled()).isTrue();
    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task("remind").runAt(in1h.plus(Duration.ofMinutes(1)))))
        .hasMessageContaining("run_at is " + job.runAt() + ", PT-")
        .hasMessageContaining("scheduled at " + job.runAt());
  }

  @Test
  void argsMatchByPredicate(SpoolTester spool) {
    enqueue(spool.client(), "charge", new JsonObject().put("cents", 1250));

    spool.assertEnqueued(JobMatch.task("charge").argsThat("over 10 €", a -> a.getInteger("cents") > 1000));
    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task("charge").argsThat("over 100 €",
        a -> a.getInteger("cents") > 10000)))
        .hasMessageContaining("matching task \"charge\", args over 100 €")
        .hasMessageContaining("args fail over 100 €");
  }

  @Test
  void parentsOfAWorkflowStepAreMatched(SpoolTester spool) {
    WorkflowRun run = result(spool.client().enqueueWorkflow(Workflow.chain("signup",
        List.of(JobRequest.of(EMAIL, new JsonObject()), JobRequest.of(Task.json("welcome-call"), new JsonObject())))));
    long first = run.steps().values().stream().min(Long::compare).orElseThrow();

    EnqueuedJob step = spool.assertEnqueued(JobMatch.task("welcome-call").parents(first));
    assertThat(step.state()).isEqualTo("waiting");
    assertThat(step.workflowId()).isEqualTo(run.id());
    assertThatThrownBy(() -> spool.assertEnqueued(JobMatch.task("welcome-call").parents(first + 100)))
        .hasMessageContaining(": parents are [" + first + "]");
  }

  @Test
  void refuteEnqueuedPassesWhenNoJobMatchesAndFailsListingThoseThatDo(SpoolTester spool) {
    long id = enqueue(spool.client(), "send-email", new JsonObject().put("to", "a@example.com"));

    spool.refuteEnqueued(JobMatch.task(EMAIL).args(new JsonObject().put("to", "b@example.com")));
    assertThatThrownBy(() -> spool.refuteEnqueued("send-email"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected no enqueued job matching task \"send-email\"\nbut found 1:\n"
            + "  #" + id + " send-email (queue default) args {\"to\":\"a@example.com\"}");
  }

  @Test
  void refuteEnqueuedOfAMisspeltTaskFailsAsItCouldNeverFail(SpoolTester spool) {
    spool.register(EMAIL, (args, ctx) -> Future.succeededFuture());

    assertThatThrownBy(() -> spool.refuteEnqueued("send-emails"))
        .hasMessage("refuting task \"send-emails\" proves nothing: no handler is registered for task \"send-emails\" "
            + "and no job of it is enqueued: did you mean \"send-email\"?");
    spool.refuteEnqueued("invoice"); // far from every known name: a task this test does not enqueue
  }

  @Test
  void allEnqueuedFiltersOldestFirst(SpoolTester spool) {
    long a = enqueue(spool.client(), "send-email", new JsonObject().put("n", 1));
    enqueue(spool.client(), "report", new JsonObject());
    long c = enqueue(spool.client(), "send-email", new JsonObject().put("n", 2));

    assertThat(spool.allEnqueued(JobMatch.task(EMAIL))).extracting(EnqueuedJob::id).containsExactly(a, c);
    assertThat(spool.allEnqueued()).hasSize(3);
    assertThat(spool.allEnqueued(JobMatch.task("none"))).isEmpty();
  }

  @Test
  void assertEnqueuedWithinWaitsForAJobEnqueuedLater(SpoolTester spool) {
    spool.vertx().setTimer(300, t -> spool.client().enqueue("send-email", new JsonObject().put("to", "late")));
    long start = System.nanoTime();

    EnqueuedJob job = spool.assertEnqueuedWithin(Duration.ofSeconds(10), JobMatch.task(EMAIL));

    assertThat(job.args().getString("to")).isEqualTo("late");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void assertEnqueuedWithinFailsAfterTheTimeout(SpoolTester spool) {
    assertThatThrownBy(() -> spool.assertEnqueuedWithin(Duration.ofMillis(200), JobMatch.task("never")))
        .hasMessage("expected an enqueued job matching task \"never\"\nwithin 200 ms, but no job is enqueued");
  }

  @Test
  void onTheCallersConnectionTheJobsOfAnOpenTransactionAreSeen(SpoolTester spool) {
    SqlConnection conn = result(spool.spool().pool().getConnection());
    try {
      Transaction tx = result(conn.begin());
      result(spool.client().enqueue(conn, EMAIL, new JsonObject().put("to", "tx"), new EnqueueOptions()));

      spool.assertEnqueued(conn, JobMatch.task(EMAIL).args(new JsonObject().put("to", "tx")));
      spool.refuteEnqueued(JobMatch.task(EMAIL)); // not committed: other connections do not see it
      assertThatThrownBy(() -> spool.refuteEnqueued(conn, JobMatch.task(EMAIL))).hasMessageContaining("but found 1");

      result(tx.rollback());
      spool.refuteEnqueued(conn, JobMatch.task(EMAIL));
    } finally {
      result(conn.close());
    }
  }
}
