package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobExplanation.Code;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JobAdmin#vacuumHorizon}: a second session that holds a {@code REPEATABLE READ} snapshot is reported with
 * its age and pid, and once vacuum has had to leave the jobs table's dead rows behind because of it, explain
 * says vacuum is held back and by whom.
 */
class VacuumHorizonTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  private JobAdmin admin;
  private PgConnection analytics;

  @BeforeEach
  void openAdmin() {
    admin = spool.admin();
  }

  @AfterEach
  void closeAll() {
    if (analytics != null) {
      await(analytics.close());
    }
    await(admin.close());
  }

  /** A session as an analyst's would be: REPEATABLE READ, one read done, left open. */
  private int openAnalyticsSnapshot() {
    analytics = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())
        .setProperties(Map.of("application_name", "analytics"))));
    await(analytics.query("begin isolation level repeatable read").execute());
    await(analytics.query("select count(*) from " + schema + ".jobs").execute());
    return await(analytics.query("select pg_backend_pid()").execute()).iterator().next().getInteger(0);
  }

  private VacuumHorizon.Holder holderOf(VacuumHorizon horizon, int pid) {
    return horizon.holders().stream().filter(h -> pid == (h.pid() == null ? -1 : h.pid())).findFirst()
        .orElseThrow(() -> new AssertionError("pid " + pid + " not among " + horizon.holders()));
  }

  @Test
  void anOpenRepeatableReadTransactionIsTheOldestHolderWithItsAgeAndPid() throws InterruptedException {
    long before = System.nanoTime();
    int pid = openAnalyticsSnapshot();
    Thread.sleep(1_200);
    // the workers' and the test's own short statements come and go; the analyst's snapshot stays the oldest
    VacuumHorizon horizon = await(admin.vacuumHorizon());
    VacuumHorizon.Holder oldest = horizon.oldestTimed().orElseThrow();
    assertThat(oldest.pid()).isEqualTo(pid);
    assertThat(oldest.kind()).isEqualTo(VacuumHorizon.Kind.SESSION);
    assertThat(oldest.name()).isEqualTo("analytics");
    assertThat(oldest.state()).isEqualTo("idle in transaction");
    assertThat(oldest.query()).isEqualTo("select pg_backend_pid()");
    assertThat(oldest.age()).isBetween(Duration.ofMillis(1_200), Duration.ofNanos(System.nanoTime() - before));
    assertThat(oldest.describe()).contains("session pid " + pid + " (application analytics), idle in transaction");
    assertThat(oldest.toJson().getDouble("age_seconds")).isGreaterThanOrEqualTo(1.2);

    await(analytics.query("commit").execute());
    assertThat(await(admin.vacuumHorizon()).holders()).noneMatch(h -> h.pid() != null && h.pid() == pid);
  }

  @Test
  void explainSaysClaimsAreSlowedOnceVacuumHadToLeaveDeadJobsBehindTheSnapshot() {
    int pid = openAnalyticsSnapshot();
    // dead row versions past the vacuumer's threshold: each job leaves two (its claim and its deletion)
    int jobs = (int) (VacuumOptions.DEFAULT_MIN_DEAD_ROWS / 2 + 2_000);
    List<JsonObject> args = new ArrayList<>(Collections.nCopies(jobs, new JsonObject()));
    await(spool.client().enqueueBatch(WORK, args, new EnqueueOptions()));
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setShutdownTimeout(Duration.ofMillis(200)),
        new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture())), new DeploymentOptions()));
    eventually(Duration.ofSeconds(60), () -> count("true") == 0);
    long waiting = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("unserved")));

    // a vacuum (the leader's, or this one) must leave them: the analyst's snapshot may still see them
    sql("vacuum " + schema + ".jobs");
    VacuumHorizon horizon = await(admin.vacuumHorizon());
    assertThat(horizon.jobsDead()).isGreaterThanOrEqualTo(VacuumOptions.DEFAULT_MIN_DEAD_ROWS);
    assertThat(holderOf(horizon, pid).since()).isBefore(horizon.jobsVacuumedAt());

    JobExplanation explained = await(admin.explain(waiting)).orElseThrow();
    JobExplanation.Reason held = explained.reasons().stream().filter(r -> r.code() == Code.HORIZON_HELD).findFirst()
        .orElseThrow(() -> new AssertionError("no HORIZON_HELD in " + explained));
    assertThat(held.message()).contains("vacuum is held back", "dead row versions", "session pid " + pid,
        "application analytics");
    assertThat(held.figures().getInteger("pid")).isEqualTo(pid);
    assertThat(held.figures().getLong("jobs_dead")).isGreaterThanOrEqualTo(VacuumOptions.DEFAULT_MIN_DEAD_ROWS);
    assertThat(explained.has(Code.NO_WORKER_FOR_QUEUE)).isTrue();

    // the snapshot ends: the next vacuum removes the dead rows, and explain no longer blames anyone
    await(analytics.query("commit").execute());
    sql("vacuum " + schema + ".jobs");
    assertThat(await(admin.explain(waiting)).orElseThrow().has(Code.HORIZON_HELD)).isFalse();
  }
}
