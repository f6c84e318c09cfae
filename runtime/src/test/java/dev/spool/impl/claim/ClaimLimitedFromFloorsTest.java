package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.WorkerOptions;
import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The claim of a queue with cluster-wide limits ({@code claim_limited}, through {@code ClaimJobsLimited}) reading
 * from per-priority floors: it takes what the claim from the head takes above them, its limits hold the same, the
 * eleven-argument call of older runtimes still reads from the head, and under a long transaction elsewhere it reads
 * past the claimed jobs the transaction keeps in the claim index.
 */
class ClaimLimitedFromFloorsTest extends SpoolTestBase {

  private static final String[] TASKS = {"t", "u"};
  private static final double LEASE_MS = 30_000.0;

  @Test
  void fromFloorsBelowEveryJobItTakesWhatTheClaimFromTheHeadTakes() {
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args)"
        + " select 'q', case when g % 3 = 0 then 'u' else 't' end, (g % 4)::smallint,"
        + "        now() - g * interval '1 second', '\\x7b7d'::bytea from generate_series(1, 40) g");
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args) values"
        + " ('q', 't', 0, now() + interval '1 hour', '\\x7b7d'), ('q', 'other', 0, now() - interval '1 hour', '\\x7b7d')");
    ClaimLimits limits = limits(new QueueOptions().setGlobalConcurrency(100), null);
    OffsetDateTime longAgo = now().minusDays(1);

    List<Long> fromHead = rolledBack(c -> claim(c, limits, 15, null, null));
    List<Long> fromFloors = rolledBack(c -> claim(c, limits, 15, new Short[] {0, 1, 2, 3},
        new OffsetDateTime[] {longAgo, longAgo, longAgo, longAgo}));

    assertThat(fromHead).hasSize(15);
    assertThat(fromFloors).isEqualTo(fromHead); // the same jobs, in the same (claim) order
  }

  @Test
  void aJobBelowItsFloorIsNotTakenFromTheFloorsButIsFromTheHead() {
    long below = insert("t", 0, "now() - interval '10 minutes'");
    long above = insert("t", 1, "now() - interval '1 minute'");
    long unnamed = insert("t", 2, "now() - interval '1 minute'"); // a priority the floors do not name
    ClaimLimits limits = limits(new QueueOptions().setGlobalConcurrency(100), null);
    OffsetDateTime floor = now().minusMinutes(5);

    List<Long> fromFloors = rolledBack(c -> claim(c, limits, 10, new Short[] {0, 1},
        new OffsetDateTime[] {floor, floor}));
    List<Long> fromHead = rolledBack(c -> claim(c, limits, 10, null, null));

    assertThat(fromFloors).containsExactly(above);
    assertThat(fromHead).containsExactly(below, above, unnamed);
  }

  @Test
  void theQueuesConcurrencyLimitHoldsFromTheFloors() {
    long first = insert("t", 0, "now() - interval '2 minutes'");
    insert("t", 0, "now() - interval '1 minute'");
    sql("insert into {schema}.jobs (queue, task, state, args) values ('q', 't', 'running', '\\x7b7d')");
    ClaimLimits limits = limits(new QueueOptions().setGlobalConcurrency(2), null);

    RowSet<Row> claimed = claimFromFloors(limits, 10);

    assertThat(jobIds(claimed)).containsExactly(first); // one running already: one more may start
    assertThat(waitMs(claimed)).isEqualTo(ClaimLimits.DEFAULT_RECHECK_MS);
  }

  @Test
  void theQueuesRateLimitHoldsFromTheFloorsAcrossPriorities() {
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args) select 'q', 't', (g % 2)::smallint,"
        + " now() - g * interval '1 second', '\\x7b7d'::bytea from generate_series(1, 10) g");
    ClaimLimits limits = limits(new QueueOptions().setRateLimit(RateLimit.perMinute(3)), null);

    RowSet<Row> first = claimFromFloors(limits, 10);
    RowSet<Row> second = claimFromFloors(limits, 10);

    assertThat(jobIds(first)).hasSize(3);
    assertThat(waitMs(first)).isBetween(50_000.0, 60_000.0); // when the first start leaves the window
    assertThat(jobIds(second)).isEmpty();
    assertThat(count("state = 'running'")).isEqualTo(3);
  }

  @Test
  void aTaskRateLimitHoldsFromTheFloorsAcrossPrioritiesWhileOtherTasksFillTheBatch() {
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args) select 'q', t, p::smallint,"
        + " now() - g * interval '1 second', '\\x7b7d'::bytea"
        + " from generate_series(1, 4) g, unnest(array['t', 'u']) t, generate_series(0, 2) p");
    ClaimLimits limits = limits(null, RateLimit.perMinute(2));

    RowSet<Row> claimed = claimFromFloors(limits, 8);

    assertThat(jobIds(claimed)).hasSize(8);
    assertThat(count("state = 'running' and task = 't'")).isEqualTo(2);
    assertThat(count("state = 'running' and task = 't' and priority = 0")).isEqualTo(2); // its first ones
    assertThat(count("state = 'running' and task = 'u'")).isEqualTo(6);
    assertThat(count("state = 'running' and task = 'u' and priority = 2")).isEqualTo(0); // 4 at 0, then 2 at 1
    assertThat(waitMs(claimed)).isNotNull();
  }

  /** A runtime of schema 17 or 18 calls the function with its eleven arguments: it reads from the head. */
  @Test
  void theElevenArgumentCallOfOlderRuntimesStillClaimsFromTheHead() {
    long early = insert("t", 0, "now() - interval '1 day'");
    long late = insert("u", 3, "now()");
    ClaimLimits limits = limits(new QueueOptions().setGlobalConcurrency(10), null);
    Tuple params = limits.params("q", TASKS, 10, "old", LEASE_MS);

    RowSet<Row> claimed = await(spool.pool().preparedQuery("select * from " + schema + ".claim_limited("
        + "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)").execute(elevenOf(params)));

    assertThat(jobIds(claimed)).containsExactly(early, late);
  }

  /**
   * The point of the floors: while a transaction elsewhere holds an old snapshot, the claim from the head walks the
   * entry of every job claimed since, the claim from a floor past them. The count of the queue's running jobs (the
   * concurrency limit) walks jobs_running, which keeps an entry per job run since as well: it is measured, not fixed.
   */
  @Test
  void fromAFloorTheClaimReadsPastTheClaimedJobsAnOldSnapshotKeeps() {
    int kept = 5_000;
    underAnOldSnapshotKeepingClaimedJobs(kept, now -> {
      Short[] priorities = {0};
      OffsetDateTime[] floors = {now.minusSeconds(1)};
      ClaimLimits bare = limits(new QueueOptions().setRateLimit(RateLimit.perSecond(1_000)), null);
      ClaimLimits counted = limits(new QueueOptions().setRateLimit(RateLimit.perSecond(1_000))
          .setGlobalConcurrency(1_000), null);

      long fromHead = buffers(bare.params("q", TASKS, 100, "me", LEASE_MS));
      long fromFloor = buffers(bare.params("q", TASKS, 100, "me", LEASE_MS, priorities, floors));
      long fromHeadCounted = buffers(counted.params("q", TASKS, 100, "me", LEASE_MS));
      long fromFloorCounted = buffers(counted.params("q", TASKS, 100, "me", LEASE_MS, priorities, floors));
      System.out.printf("claim_limited under a pin over %d claimed jobs, buffers: from the head %d, from a floor %d;"
          + " with the concurrency count: from the head %d, from a floor %d%n",
          kept, fromHead, fromFloor, fromHeadCounted, fromFloorCounted);

      // neither finds a job due (the one live job is due in an hour)
      assertThat(fromHead).isGreaterThan(300);
      assertThat(fromFloor).as("buffers from the floor, against %d from the head", fromHead).isLessThan(60);
      // the running jobs' count still walks what the pin keeps in jobs_running
      assertThat(fromFloorCounted).isGreaterThan(fromFloor);
    });
  }

  /**
   * Runs {@code check} with the time of the database while a REPEATABLE READ transaction keeps {@code jobs} jobs of
   * queue q claimed and done since it began, their run_at an hour back, and one job of q is due in an hour.
   */
  private void underAnOldSnapshotKeepingClaimedJobs(int jobs, Consumer<OffsetDateTime> check) {
    SqlConnection pin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select count(*) from pg_class").execute()); // the snapshot is taken: vacuum is held
      sql("insert into {schema}.jobs (queue, task, run_at, args) select 'q', 't', now() - interval '1 hour', '\\x7b7d'"
          + " from generate_series(1, " + jobs + ")");
      sql("update {schema}.jobs set state = 'running', lease_expires_at = now() + interval '30 seconds'"); // claimed...
      sql("delete from {schema}.jobs"); // ...and done, but their entries stay
      sql("vacuum {schema}.jobs");
      insert("t", 0, "now() + interval '1 hour'");
      check.accept(now());
    } finally {
      await(pin.close());
    }
  }

  /**
   * The limits of queue q for a worker of tasks t and u: the queue's options, and a rate limit of task t (or null).
   */
  private static ClaimLimits limits(QueueOptions queue, RateLimit taskT) {
    WorkerOptions options = new WorkerOptions().setQueues("q");
    if (queue != null) {
      options.setQueueOptions("q", queue);
    }
    if (taskT != null) {
      options.setTaskRateLimit("t", taskT);
    }
    return ClaimLimits.of(options, "q", Set.of(TASKS));
  }

  private long insert(String task, int priority, String runAt) {
    return sql("insert into {schema}.jobs (queue, task, priority, run_at, args) values ('q', '" + task + "', "
        + priority + ", " + runAt + ", '\\x7b7d') returning id").iterator().next().getLong(0);
  }

  private OffsetDateTime now() {
    return sql("select now()").iterator().next().getOffsetDateTime(0);
  }

  private RowSet<Row> claim(SqlConnection c, ClaimLimits limits, int batch, Short[] priorities,
      OffsetDateTime[] floors) {
    return await(c.preparedQuery(new Queries(schema).get("ClaimJobsLimited"))
        .execute(limits.params("q", TASKS, batch, "me", LEASE_MS, priorities, floors)));
  }

  /** A claim from floors an hour back at priorities 0 to 2, committed. */
  private RowSet<Row> claimFromFloors(ClaimLimits limits, int batch) {
    OffsetDateTime hourAgo = now().minusHours(1);
    return await(spool.pool().preparedQuery(new Queries(schema).get("ClaimJobsLimited")).execute(limits.params(
        "q", TASKS, batch, "me", LEASE_MS, new Short[] {0, 1, 2}, new OffsetDateTime[] {hourAgo, hourAgo, hourAgo})));
  }

  /** The ids {@code claim} took on a connection, in a transaction rolled back: the next claim sees them all again. */
  private List<Long> rolledBack(java.util.function.Function<SqlConnection, RowSet<Row>> claim) {
    SqlConnection c = await(spool.pool().getConnection());
    try {
      await(c.query("begin").execute());
      List<Long> ids = jobIds(claim.apply(c));
      await(c.query("rollback").execute());
      return ids;
    } finally {
      await(c.close());
    }
  }

  private static List<Long> jobIds(RowSet<Row> claimed) {
    List<Long> ids = new ArrayList<>();
    for (Row row : claimed) {
      if (row.getValue("id") != null) {
        ids.add(row.getLong("id"));
      }
    }
    return ids;
  }

  /** The wait the claim asked for, null when no limit cut it short. */
  private static Double waitMs(RowSet<Row> claimed) {
    for (Row row : claimed) {
      if (row.getValue("id") == null) {
        return row.getDouble("wait_ms");
      }
    }
    return null;
  }

  private static Tuple elevenOf(Tuple params) {
    Tuple eleven = Tuple.tuple();
    for (int i = 0; i < 11; i++) {
      eleven.addValue(params.getValue(i));
    }
    return eleven;
  }

  private long buffers(Tuple params) {
    return ExplainedBuffers.of(spool.pool(), new Queries(schema).get("ClaimJobsLimited"), params);
  }
}
