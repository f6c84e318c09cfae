package dev.spool.impl.complete;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The ack of keep mode ({@code MarkCompleted}): a completed job leaves the jobs table and lands in the kept history
 * ({@code jobs_done}) in the ack's own statement, only when the ack is the run's (id, attempt, lease owner).
 */
class MarkCompletedTest extends SpoolTestBase {

  private long running(String owner, int attempt) {
    return sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
        + " values ('work', '\\x7b7d'::bytea, 'running', $1, now(), $2, now() + interval '1 minute') returning id",
        attempt, owner).iterator().next().getLong(0);
  }

  private int ack(long id, int attempt, String owner) {
    return await(spool.pool().preparedQuery(new Queries(schema).get("MarkCompleted"))
        .execute(Tuple.of(new Long[] {id}, new Integer[] {attempt}, owner))).rowCount();
  }

  private long kept(long id) {
    return sql("select count(*) from {schema}.jobs_done where id = $1", id).iterator().next().getLong(0);
  }

  @Test
  void theRunsAckMovesTheRowToTheKeptHistoryAsItWas() {
    long id = running("w1", 2);
    Row before = sql("select created_at, attempted_at, args from {schema}.jobs where id = $1", id).iterator().next();

    assertThat(ack(id, 2, "w1")).isEqualTo(1);

    assertThat(count("id = $1", id)).isZero();
    Row row = sql("select state::text, attempt, lease_owner, created_at, attempted_at, args, finished_at > now() - interval"
        + " '1 minute' from {schema}.jobs_done where id = $1", id).iterator().next();
    assertThat(row.getString(0)).isEqualTo("completed");
    assertThat(row.getInteger(1)).isEqualTo(2);
    assertThat(row.getString(2)).isNull();
    assertThat(row.getValue(3)).isEqualTo(before.getValue(0));
    assertThat(row.getValue(4)).isEqualTo(before.getValue(1));
    assertThat(row.getBuffer(5)).isEqualTo(before.getBuffer(2));
    assertThat(row.getBoolean(6)).isTrue();
    assertThat(ack(id, 2, "w1")).isZero(); // written twice (a flush retried): nothing more happens
    assertThat(kept(id)).isEqualTo(1);
  }

  @Test
  void aLateAckOfAnotherRunOrWorkerMovesNothing() {
    long id = running("w1", 2);

    assertThat(ack(id, 1, "w1")).isZero();  // an earlier attempt's answer
    assertThat(ack(id, 2, "w2")).isZero();  // a worker that lost the lease
    assertThat(count("id = $1 and state = 'running'", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }

  @Test
  void theMoveIsPartOfTheAcksTransaction() {
    long id = running("w1", 1);

    await(spool.pool().withConnection(c -> c.begin().compose(tx -> c.preparedQuery(new Queries(schema).get("MarkCompleted"))
        .execute(Tuple.of(new Long[] {id}, new Integer[] {1}, "w1")).compose(rows -> tx.rollback()))));

    assertThat(count("id = $1 and state = 'running'", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }

  @Test
  void whenNoPartitionCoversNowTheRowStaysInJobsCompleted() {
    // what a leader down for longer than partitions are made ahead leaves: no partition for this finish time
    String current = sql("select name from {schema}.jobs_done_partitions where starts <= now() and now() < ends")
        .iterator().next().getString(0);
    sql("alter table {schema}.jobs_done detach partition {schema}." + current);
    sql("delete from {schema}.jobs_done_partitions where name = $1", current);
    long id = running("w1", 1);

    assertThat(ack(id, 1, "w1")).isEqualTo(1);

    assertThat(count("id = $1 and state = 'completed' and finished_at is not null and lease_owner is null", id))
        .isEqualTo(1);
    assertThat(sql("select count(*) from {schema}.jobs_done").iterator().next().getLong(0)).isZero();
  }

  @Test
  void aWorkflowStepStaysInJobsWhereItsWorkflowIsRead() {
    long id = running("w1", 1);
    sql("update {schema}.jobs set workflow_id = 7, step = 'leaf' where id = $1", id);

    assertThat(ack(id, 1, "w1")).isEqualTo(1);

    assertThat(count("id = $1 and state = 'completed'", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }
}
