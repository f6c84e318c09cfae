package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * The claim from floors ({@code ClaimJobsFrom}), the head scan that sets them ({@code ClaimHead}) and the poll of a
 * worker serving several queues from them ({@code DueQueuesFrom}), as statements: what each returns, and that the
 * claim and the poll read past the jobs a long transaction keeps in the index.
 */
class ClaimFromFloorsTest extends SpoolTestBase {

  private static final String[] TASKS = {"t"};

  @Test
  void theHeadScanNamesEachPriorityWithTheEarliestJobOfTheTasks() {
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args) select q, t, p, r, '\\x7b7d'::bytea from (values"
        + " ('q', 't', 0, now() - interval '1 hour'), ('q', 'other', 0, now() - interval '2 hours'),"
        + " ('q', 't', 5, now() + interval '1 hour'), ('q', 'other', 7, now()), ('elsewhere', 't', 3, now())) v(q, t, p, r)");

    Row head = head("q");

    assertThat(head.getArrayOfShorts("priorities")).containsExactly((short) 0, (short) 5, (short) 7);
    OffsetDateTime[] first = head.getArrayOfOffsetDateTimes("first_run_ats");
    OffsetDateTime now = head.getOffsetDateTime("snapshot_at");
    assertThat(first[0]).isBetween(now.minusMinutes(61), now.minusMinutes(59)); // not the other task's job
    assertThat(first[1]).isAfter(now.plusMinutes(59)); // due later, still the earliest
    assertThat(first[2]).isNull(); // only jobs of a task the producer does not run
    assertThat(head.getOffsetDateTime("clock_at")).isAfterOrEqualTo(now);
  }

  @Test
  void theHeadScanOfAnEmptyQueueStillTellsTheTime() {
    Row head = head("q");

    assertThat(head.getArrayOfShorts("priorities")).isNull();
    assertThat(head.getOffsetDateTime("snapshot_at")).isNotNull();
  }

  @Test
  void aClaimFromFloorsTakesDueJobsAtOrAboveTheirPriorityFloorInClaimOrder() {
    sql("insert into {schema}.jobs (queue, task, priority, run_at, args) select q, t, p, r, '\\x7b7d'::bytea from (values"
        + " ('q', 't', 1, now() - interval '10 minutes'), ('q', 't', 1, now() - interval '1 minute'),"
        + " ('q', 't', 0, now() - interval '2 minutes'), ('q', 't', 0, now() + interval '1 hour'),"
        + " ('q', 't', 9, now())) v(q, t, p, r)");
    OffsetDateTime now = head("q").getOffsetDateTime("snapshot_at");

    RowSet<Row> claimed = claimFrom(10, new Short[] {0, 1}, now.minusMinutes(5), now.minusMinutes(5));

    assertThat(claimed.size()).isEqualTo(2); // below a floor (10 minutes ago), not due, or a priority not named
    assertThat(count("state = 'running'")).isEqualTo(2);
    assertThat(count("state = 'running' and priority in (0, 1) and run_at > now() - interval '5 minutes'"))
        .isEqualTo(2);
  }

  @Test
  void aPausedQueueGivesNothingFromItsFloors() {
    sql("insert into {schema}.jobs (queue, task, args) values ('q', 't', '\\x7b7d')");
    sql("insert into {schema}.queues (name, paused) values ('q', true)");
    OffsetDateTime now = head("q").getOffsetDateTime("snapshot_at");

    assertThat(claimFrom(10, new Short[] {0}, now.minusHours(1)).size()).isZero();
  }

  /**
   * The point of the floors: a transaction elsewhere that has read something keeps every claimed job's entry
   * in the claim index; a claim from the head checks each in the table, a claim from a floor past them does not.
   */
  @Test
  void aClaimFromAFloorReadsPastTheClaimedJobsAnOldSnapshotKeeps() {
    underAnOldSnapshotKeepingClaimedJobs(now -> {
      long fromHead = buffers(new Queries(schema).get("ClaimJobs"), Tuple.of("q", TASKS, 100, "me", 30_000.0));
      long fromFloor = buffers(new Queries(schema).get("ClaimJobsFrom"), Tuple.of("q", TASKS, 100, "me", 30_000.0,
          new Short[] {0}, new OffsetDateTime[] {now.minusSeconds(1)}));

      // neither finds a job due (the one live job is due in an hour); from the head, every page of the table holding
      // a kept version is looked up from its entries, from the floor the index is descended once
      assertThat(fromHead).isGreaterThan(300);
      assertThat(fromFloor).as("buffers from the floor, against %d from the head", fromHead).isLessThan(10);
    });
  }

  @Test
  void thePollFromFloorsNamesTheQueuesWithAJobOfTheTasksDueAtOrAboveAFloor() {
    sql("insert into {schema}.jobs (queue, task, run_at, args) select q, t, r, '\\x7b7d'::bytea from (values"
        + " ('due', 't', now() - interval '1 minute'), ('later', 't', now() + interval '1 hour'),"
        + " ('below', 't', now() - interval '10 minutes'), ('other-task', 'x', now() - interval '1 minute'),"
        + " ('paused', 't', now() - interval '1 minute')) v(q, t, r)");
    sql("insert into {schema}.queues (name, paused) values ('paused', true)");
    String[] queues = {"due", "later", "below", "other-task", "paused"};
    OffsetDateTime floor = head("due").getOffsetDateTime("snapshot_at").minusMinutes(5);

    RowSet<Row> due = await(spool.pool().preparedQuery(new Queries(schema).get("DueQueuesFrom")).execute(
        dueQueuesFrom(queues, floor)));

    assertThat(due).extracting(row -> row.getString(0)).containsExactly("due");
  }

  /** The worker's poll of several queues, from floors: past the kept entries too, as the claim from floors. */
  @Test
  void thePollFromFloorsReadsPastTheClaimedJobsAnOldSnapshotKeeps() {
    underAnOldSnapshotKeepingClaimedJobs(now -> {
      String[] queues = {"q", "other"};
      long fromHeads = buffers(new Queries(schema).get("DueQueues"),
          Tuple.tuple().addArrayOfString(queues).addArrayOfString(TASKS));
      long fromFloors = buffers(new Queries(schema).get("DueQueuesFrom"), dueQueuesFrom(queues, now.minusSeconds(1)));

      assertThat(fromHeads).isGreaterThan(300);
      assertThat(fromFloors).as("buffers from the floors, against %d from the heads", fromHeads).isLessThan(20);
    });
  }

  /**
   * Runs {@code check} with the time of the database while a REPEATABLE READ transaction keeps 5,000 jobs of queue q
   * claimed and done since it began, their run_at an hour back, and one job of q is due in an hour.
   */
  private void underAnOldSnapshotKeepingClaimedJobs(java.util.function.Consumer<OffsetDateTime> check) {
    SqlConnection pin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select count(*) from pg_class").execute()); // the snapshot is taken: vacuum is held
      sql("insert into {schema}.jobs (queue, task, run_at, args) select 'q', 't', now() - interval '1 hour', '\\x7b7d'"
          + " from generate_series(1, 5000)");
      sql("update {schema}.jobs set state = 'running'"); // claimed...
      sql("delete from {schema}.jobs"); // ...and done, but their entries stay
      sql("vacuum {schema}.jobs");
      sql("insert into {schema}.jobs (queue, task, args, run_at) values ('q', 't', '\\x7b7d', now() + interval '1 hour')");
      check.accept(head("q").getOffsetDateTime("snapshot_at"));
    } finally {
      await(pin.close());
    }
  }

  /** DueQueuesFrom's parameters: each queue's priority 0 from {@code floor}. */
  private static Tuple dueQueuesFrom(String[] queues, OffsetDateTime floor) {
    Short[] priorities = new Short[queues.length];
    OffsetDateTime[] floors = new OffsetDateTime[queues.length];
    java.util.Arrays.fill(priorities, (short) 0);
    java.util.Arrays.fill(floors, floor);
    return Tuple.tuple().addArrayOfString(queues).addArrayOfShort(priorities).addArrayOfOffsetDateTime(floors)
        .addArrayOfString(TASKS);
  }

  private Row head(String queue) {
    return await(spool.pool().preparedQuery(new Queries(schema).get("ClaimHead")).execute(Tuple.of(queue, (Object) TASKS)))
        .iterator().next();
  }

  private RowSet<Row> claimFrom(int batch, Short[] priorities, OffsetDateTime... floors) {
    return await(spool.pool().preparedQuery(new Queries(schema).get("ClaimJobsFrom"))
        .execute(Tuple.of("q", TASKS, batch, "me", 30_000.0, priorities, floors)));
  }

  private long buffers(String statement, Tuple params) {
    return ExplainedBuffers.of(spool.pool(), statement, params);
  }
}
