package dev.spool.impl.complete;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The ack of completed jobs with a result, dependents or awaiters ({@code complete_jobs}, V018): with retention keeping
 * them it moves them to the kept history ({@code jobs_done}) with their result, in the ack's own statement and only
 * when the ack is the run's, and their dependents are told as before; what stays in {@code jobs} stays completed.
 */
class CompleteFlaggedTest extends SpoolTestBase {

  private static final Buffer RESULT = new JsonObject().put("answer", 42).toBuffer();

  private long running(String owner, int attempt) {
    return sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
        + " values ('work', '\\x7b7d'::bytea, 'running', $1, now(), $2, now() + interval '1 minute') returning id",
        attempt, owner).iterator().next().getLong(0);
  }

  /** The Completer's ack of one job; returns how many outcomes landed. */
  private int ack(long id, int attempt, String owner, Buffer result, boolean move) {
    Row last = null;
    for (Row row : await(spool.pool().preparedQuery(new Queries(schema).get("CompleteFlagged")).execute(Tuple.of(
        new Long[] {id}, new Integer[] {attempt}, new Buffer[] {result}, owner, null, null, 0.0, 0, move)))) {
      last = row;
    }
    return last.getInteger("acked");
  }

  private long kept(long id) {
    return sql("select count(*) from {schema}.jobs_done where id = $1", id).iterator().next().getLong(0);
  }

  private boolean currentPartitionHoldsResults() {
    return sql("select results from {schema}.jobs_done_partitions where starts <= now() and now() < ends")
        .iterator().next().getBoolean(0);
  }

  @Test
  void aJobWithAResultMovesToTheKeptHistoryWithItAndIsReadFromThere() {
    long id = running("w1", 2);
    assertThat(currentPartitionHoldsResults()).isFalse();

    assertThat(ack(id, 2, "w1", RESULT, true)).isEqualTo(1);

    assertThat(count("id = $1", id)).isZero(); // not in the table the claims read
    Row row = sql("select state::text, attempt, lease_owner, result from {schema}.jobs_done where id = $1", id)
        .iterator().next();
    assertThat(row.getString(0)).isEqualTo("completed");
    assertThat(row.getInteger(1)).isEqualTo(2);
    assertThat(row.getString(2)).isNull();
    assertThat(row.getBuffer(3)).isEqualTo(RESULT);
    // its partition now goes by the results window (DonePartitionsPast)
    assertThat(currentPartitionHoldsResults()).isTrue();
    JobResult result = await(spool.client().result(id));
    assertThat(result.state()).isEqualTo(JobState.COMPLETED);
    assertThat(result.json()).isEqualTo(new JsonObject().put("answer", 42));
    assertThat(await(spool.client().find(id)).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(ack(id, 2, "w1", RESULT, true)).isZero(); // written twice (a flush retried): nothing more happens
    assertThat(kept(id)).isEqualTo(1);
  }

  @Test
  void aLateAckOfAnotherRunOrWorkerMovesNothing() {
    long id = running("w1", 2);

    assertThat(ack(id, 1, "w1", RESULT, true)).isZero(); // an earlier attempt's answer
    assertThat(ack(id, 2, "w2", RESULT, true)).isZero(); // a worker that lost the lease
    assertThat(count("id = $1 and state = 'running' and result is null", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }

  @Test
  void theEightArgumentCallOfARuntimeOfSchema17KeepsTheRowInJobs() {
    long id = running("w1", 1);

    // CompleteFlagged as schema 17 wrote it: no p_move, which defaults to false
    Row last = null;
    for (Row row : sql("select * from {schema}.complete_jobs($1, $2, $3, $4, $5, $6, $7, $8)", new Long[] {id},
        new Integer[] {1}, new Buffer[] {RESULT}, "w1", null, null, 0.0, 0)) {
      last = row;
    }

    assertThat(last.getInteger("acked")).isEqualTo(1);
    assertThat(count("id = $1 and state = 'completed' and result is not null and lease_owner is null", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }

  @Test
  void withoutRetentionKeepingItTheRowStaysInJobsForThePruner() {
    long id = running("w1", 1);

    assertThat(ack(id, 1, "w1", RESULT, false)).isEqualTo(1);

    assertThat(count("id = $1 and state = 'completed' and result is not null", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
  }

  @Test
  void aWorkflowStepStaysInJobsWhereItsWorkflowIsRead() {
    long id = running("w1", 1);
    sql("update {schema}.jobs set workflow_id = 7, step = 'leaf' where id = $1", id);

    assertThat(ack(id, 1, "w1", RESULT, true)).isEqualTo(1);

    assertThat(count("id = $1 and state = 'completed' and result is not null", id)).isEqualTo(1);
    assertThat(kept(id)).isZero();
    assertThat(currentPartitionHoldsResults()).isFalse();
  }

  @Test
  void whenNoPartitionCoversNowTheRowStaysInJobsCompleted() {
    String current = sql("select name from {schema}.jobs_done_partitions where starts <= now() and now() < ends")
        .iterator().next().getString(0);
    sql("alter table {schema}.jobs_done detach partition {schema}." + current);
    sql("delete from {schema}.jobs_done_partitions where name = $1", current);
    long id = running("w1", 1);

    assertThat(ack(id, 1, "w1", RESULT, true)).isEqualTo(1);

    assertThat(count("id = $1 and state = 'completed' and result is not null and lease_owner is null", id))
        .isEqualTo(1);
    assertThat(sql("select count(*) from {schema}.jobs_done").iterator().next().getLong(0)).isZero();
  }

  @Test
  void aDependentIsReleasedByItsMovedParentAndReadsItsResult() {
    long parent = running("w1", 1);
    long child = sql("select {schema}.enqueue('work', depends_on => array[$1::bigint])", parent).iterator().next()
        .getLong(0);
    assertThat(count("id = $1 and state = 'waiting'", child)).isEqualTo(1);

    assertThat(ack(parent, 1, "w1", RESULT, true)).isEqualTo(1);

    assertThat(kept(parent)).isEqualTo(1);
    assertThat(count("id = $1 and state = 'available' and pending_parents = 0", child)).isEqualTo(1);
    Row seen = sql(new Queries(schema).get("ParentResults"), child).iterator().next();
    assertThat(seen.getLong("id")).isEqualTo(parent);
    assertThat(seen.getString("state")).isEqualTo("completed");
    assertThat(seen.getBuffer("result")).isEqualTo(RESULT);
    assertThat(sql(new Queries(schema).get("ParentStates"), child).iterator().next().getString("state"))
        .isEqualTo("completed");
  }

  @Test
  void aChildAddedLaterToAMovedParentCountsItCompleted() {
    long parent = running("w1", 1);
    assertThat(ack(parent, 1, "w1", RESULT, true)).isEqualTo(1);
    assertThat(kept(parent)).isEqualTo(1);

    long child = sql("select {schema}.enqueue('work', depends_on => array[$1::bigint])", parent).iterator().next()
        .getLong(0);

    assertThat(count("id = $1 and state = 'available' and pending_parents = 0", child)).isEqualTo(1);
    assertThat(sql("select count(*) from {schema}.job_deps where parent_id = $1 and child_id = $2", parent, child)
        .iterator().next().getLong(0)).isEqualTo(1);
  }
}
