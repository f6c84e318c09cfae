package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobAdminTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> OTHER = Task.json("other");

  JobAdmin admin;

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

  private void setState(long id, String state) {
    sql("update {schema}.jobs set state = '" + state + "'::{schema}.job_state, finished_at = now(), "
        + "last_error = '{\"message\":\"boom\"}' where id = $1", id);
  }

  @Test
  void listsJobsNewestFirstFilteredByStateQueueAndTask() {
    long a = enqueue(WORK, new EnqueueOptions());
    long b = enqueue(WORK, new EnqueueOptions().setQueue("mail"));
    long c = enqueue(OTHER, new EnqueueOptions().setQueue("mail"));
    long later = enqueue(WORK, new EnqueueOptions().setDelay(Duration.ofHours(1)));
    long dead = enqueue(WORK, new EnqueueOptions());
    long cancelled = enqueue(OTHER, new EnqueueOptions());
    setState(dead, "dead");
    setState(cancelled, "cancelled");

    assertThat(ids(new JobQuery())).containsExactly(cancelled, dead, later, c, b, a);
    assertThat(ids(new JobQuery().setState(JobState.AVAILABLE))).containsExactly(c, b, a);
    assertThat(ids(new JobQuery().setState(JobState.SCHEDULED))).containsExactly(later);
    assertThat(ids(new JobQuery().setState(JobState.DEAD))).containsExactly(dead);
    assertThat(ids(new JobQuery().setState(JobState.CANCELLED))).containsExactly(cancelled);
    assertThat(ids(new JobQuery().setState(JobState.RUNNING))).isEmpty();
    assertThat(ids(new JobQuery().setQueue("mail"))).containsExactly(c, b);
    assertThat(ids(new JobQuery().setQueue("mail").setTask("work"))).containsExactly(b);
    assertThat(ids(new JobQuery().setLimit(2))).containsExactly(cancelled, dead);
    assertThat(ids(new JobQuery().setLimit(2).setBeforeId(dead))).containsExactly(later, c);
    // the same statement many times over: past the point where PostgreSQL would switch to a generic plan
    for (int i = 0; i < 8; i++) {
      assertThat(ids(new JobQuery().setState(JobState.DEAD))).containsExactly(dead);
      assertThat(ids(new JobQuery())).hasSize(6);
    }
    assertThat(new JobQuery().setLimit(JobQuery.MAX_LIMIT).getLimit()).isEqualTo(JobQuery.MAX_LIMIT);
    // a larger page is refused, not quietly cut to the maximum
    assertThatThrownBy(() -> new JobQuery().setLimit(JobQuery.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be 1..1000");
    assertThatThrownBy(() -> new JobQuery().setQueue("mail\u0000")).hasMessageContaining("control characters");
  }

  private List<Long> ids(JobQuery query) {
    return await(admin.list(query)).stream().map(Job::id).toList();
  }

  @Test
  void retriesDeadAndCancelledJobsOnly() {
    long dead = enqueue(WORK, new EnqueueOptions().setMaxAttempts(1));
    long cancelled = enqueue(WORK, new EnqueueOptions());
    long waiting = enqueue(WORK, new EnqueueOptions());
    sql("update {schema}.jobs set attempt = 1 where id = $1", dead);
    setState(dead, "dead");
    await(spool.client().cancel(cancelled));

    assertThat(await(admin.retry(dead))).isEqualTo(RetryResult.RETRIED);
    assertThat(await(admin.retry(cancelled))).isEqualTo(RetryResult.RETRIED);
    assertThat(await(admin.retry(waiting))).isEqualTo(RetryResult.NOT_RETRYABLE);
    assertThat(await(admin.retry(dead))).isEqualTo(RetryResult.NOT_RETRYABLE); // available now
    assertThat(await(admin.retry(999_999))).isEqualTo(RetryResult.NOT_FOUND);

    Job retried = await(admin.find(dead)).orElseThrow();
    assertThat(retried.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(retried.attempt()).isEqualTo(1); // kept: an old run's outcome can never land on the new one
    assertThat(retried.maxAttempts()).isEqualTo(2); // one more try
    assertThat(retried.finishedAt()).isNull();
    assertThat(retried.lastError().getString("message")).isEqualTo("boom"); // kept for the record
    assertThat(count("state = 'available' and cancel_requested_at is null")).isEqualTo(3);
  }

  @Test
  void aRetryDoesNotStealAUniqueKeyFromALiveJob() {
    long dead = enqueue(WORK, new EnqueueOptions().setUniqueKey("k"));
    setState(dead, "dead");
    long live = enqueue(WORK, new EnqueueOptions().setUniqueKey("k"));
    assertThat(live).isNotEqualTo(dead);
    assertThat(await(admin.retry(dead))).isEqualTo(RetryResult.UNIQUE_KEY_HELD);
    assertThat(await(admin.retryDead(null, null))).isZero();
    assertThat(count("state = 'dead'")).isEqualTo(1);
  }

  @Test
  void retriesAndPurgesDeadJobsInBulkByQueueAndTask() {
    for (int i = 0; i < 3; i++) {
      setState(enqueue(WORK, new EnqueueOptions()), "dead");
      setState(enqueue(OTHER, new EnqueueOptions().setQueue("mail")), "dead");
    }
    setState(enqueue(WORK, new EnqueueOptions().setUniqueKey("same")), "dead");
    setState(enqueue(WORK, new EnqueueOptions().setUniqueKey("same")), "dead");
    setState(enqueue(WORK, new EnqueueOptions()), "cancelled");

    assertThat(await(admin.retryDead("mail", null))).isEqualTo(3);
    assertThat(count("state = 'available' and queue = 'mail'")).isEqualTo(3);
    assertThat(await(admin.retryDead(null, "nothing-like-it"))).isZero();
    // of the two dead jobs with one unique key only one runs again
    assertThat(await(admin.retryDead(null, "work"))).isEqualTo(4);
    assertThat(count("state = 'dead'")).isEqualTo(1);
    assertThat(count("state = 'cancelled'")).isEqualTo(1);

    setState(enqueue(OTHER, new EnqueueOptions()), "dead");
    assertThat(await(admin.purgeDead(null, "other"))).isEqualTo(1);
    assertThat(await(admin.purgeDead(null, null))).isEqualTo(1);
    assertThat(count("state = 'dead'")).isZero();
    assertThat(count("true")).isEqualTo(8);
  }

  @Test
  void summarisesQueuesWithPausesCountsAndTheOldestDueJob() {
    enqueue(WORK, new EnqueueOptions());
    enqueue(WORK, new EnqueueOptions().setDelay(Duration.ofHours(1)));
    setState(enqueue(WORK, new EnqueueOptions().setQueue("mail")), "dead");
    await(spool.client().pauseQueue("idle"));
    sql("update {schema}.jobs set run_at = now() - interval '90 seconds' where state = 'available' and run_at <= now()");

    List<QueueSummary> queues = await(admin.queues());
    assertThat(queues).extracting(QueueSummary::name).containsExactly("default", "idle", "mail");
    QueueSummary main = queues.get(0);
    assertThat(main.count(JobState.AVAILABLE)).isEqualTo(1);
    assertThat(main.count(JobState.SCHEDULED)).isEqualTo(1);
    assertThat(main.oldestAvailableSeconds()).isBetween(89.0, 200.0);
    assertThat(main.paused()).isFalse();
    assertThat(queues.get(1).paused()).isTrue();
    assertThat(queues.get(1).counts()).isEmpty();
    assertThat(queues.get(2).count(JobState.DEAD)).isEqualTo(1);
    assertThat(queues.get(2).oldestAvailableSeconds()).isNull();
  }

  @Test
  void historyIsOffByDefaultAndRecordsEveryTransitionWhenOn() {
    assertThat(await(admin.historyEnabled())).isFalse();
    long before = enqueue(WORK, new EnqueueOptions());
    assertThat(await(admin.history(before))).isEmpty();

    Spool withHistory = newSpool(vertx, new SpoolOptions().setSchema(schema).setHistory(true));
    await(withHistory.migrate());
    assertThat(await(admin.historyEnabled())).isTrue();
    // a worker started with default options leaves the schema's choice alone
    await(newSpool(vertx, new SpoolOptions().setSchema(schema)).migrate());
    assertThat(await(admin.historyEnabled())).isTrue();

    JobHandlers handlers = new JobHandlers().register(WORK,
        (args, ctx) -> ctx.attempt() < 2 ? Future.failedFuture(new IllegalStateException("first try fails"))
            : Future.succeededFuture(),
        new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(10)).setJitter(0)));
    long id = enqueue(WORK, new EnqueueOptions());
    await(vertx.deployVerticle(() -> withHistory.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> count("id = " + id) == 0 && count("true") == 0);
    eventually(Duration.ofSeconds(5), () -> await(admin.history(id)).size() == 5);

    List<JobEvent> events = await(admin.history(id));
    assertThat(events).extracting(e -> e.fromState() + ">" + e.toState() + "@" + e.attempt())
        .containsExactly("null>available@0", "available>running@1", "running>scheduled@1", "available>running@2",
            "running>completed@2");
    // a retry waits for its backoff: "scheduled" at the moment it was written
    assertThat(events.get(2).error().getString("message")).isEqualTo("first try fails");
    assertThat(events.get(0).error()).isNull();

    await(spool.client().cancel(enqueue(WORK, new EnqueueOptions().setDelay(Duration.ofHours(1)))));
    assertThat(await(admin.pruneHistory(Duration.ofHours(1)))).isZero();
    sql("update {schema}.job_events set at = now() - interval '2 hours' where job_id = $1", id);
    assertThat(await(admin.pruneHistory(Duration.ofHours(1)))).isEqualTo(5);

    await(newSpool(vertx, new SpoolOptions().setSchema(schema).setHistory(false)).migrate());
    assertThat(await(admin.historyEnabled())).isFalse();
  }
}
