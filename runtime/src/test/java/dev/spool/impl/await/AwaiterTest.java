package dev.spool.impl.await;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.WorkerOptions;
import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The Awaiter answers from the done notifications alone: its fallback poll is set far beyond the test, so
 * every answer below came from a job's ack.
 */
class AwaiterTest extends SpoolTestBase {

  private static final Duration NO_POLL = Duration.ofHours(1);

  @Test
  void hundredsOfAwaitedJobsWithoutWithSmallAndWithLargeResultsAreEachAnsweredByTheirAck() {
    Awaiter awaiter = new Awaiter(vertx, spool.pool(), new Queries(schema), spool.connectOptions(), NO_POLL);
    try {
      int n = 300; // more than one ack statement's worth of awaited jobs, and more than one payload's
      List<JsonObject> small = IntStream.range(0, n).mapToObj(i -> new JsonObject().put("i", i)).toList();
      // over the 256 bytes a notification carries: these are read from their rows
      List<JsonObject> large = IntStream.range(0, n).mapToObj(i -> new JsonObject().put("i", i).put("pad", "x".repeat(400)))
          .toList();
      List<Long> bare = await(spool.client().enqueueBatch(BuiltInTasks.NOOP, Collections.nCopies(n, new JsonObject()),
          new EnqueueOptions()));
      List<Long> smallIds = await(spool.client().enqueueBatch(BuiltInTasks.ECHO, small, new EnqueueOptions()));
      List<Long> largeIds = await(spool.client().enqueueBatch(BuiltInTasks.ECHO, large, new EnqueueOptions()));
      List<Future<JobResult>> answers = new ArrayList<>();
      for (List<Long> ids : List.of(bare, smallIds, largeIds)) {
        ids.forEach(id -> answers.add(awaiter.await(id, Duration.ofSeconds(30))));
      }
      // every await registered (its job flagged) before any worker runs, so none is answered by its lookup
      eventually(Duration.ofSeconds(10), () -> count("awaited") == 3L * n);
      Instant before = Instant.now().minusSeconds(1);

      await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
      List<JobResult> results = await(Future.all(answers)).list();

      for (int i = 0; i < n; i++) {
        JobResult noop = results.get(i);
        assertThat(noop.id()).isEqualTo(bare.get(i));
        assertThat(noop.state()).isEqualTo(JobState.COMPLETED);
        assertThat(noop.bytes()).isNull();
        assertThat(noop.finishedAt()).isAfter(before);
        JobResult echo = results.get(n + i);
        assertThat(echo.id()).isEqualTo(smallIds.get(i));
        assertThat(echo.state()).isEqualTo(JobState.COMPLETED);
        assertThat(echo.json()).isEqualTo(small.get(i));
        assertThat(echo.finishedAt()).isAfter(before);
        JobResult read = results.get(2 * n + i);
        assertThat(read.id()).isEqualTo(largeIds.get(i));
        assertThat(read.json()).isEqualTo(large.get(i));
      }
      assertThat(awaiter.awaited()).isZero();
      // each was moved to the kept history by its ack (results are kept a day by default), and answered all the same
      assertThat(count("true")).isZero();
      assertThat(sql("select count(*) from {schema}.jobs_done").iterator().next().getLong(0)).isEqualTo(3L * n);
    } finally {
      await(awaiter.stop());
    }
  }

  @Test
  void anAwaitThatMeetsTheAckMovingItsJobIsAnsweredWithTheResult() {
    Awaiter awaiter = new Awaiter(vertx, spool.pool(), new Queries(schema), spool.connectOptions(), NO_POLL);
    SqlConnection acker = await(spool.pool().getConnection());
    try {
      long id = sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
          + " values ('work', '\\x7b7d'::bytea, 'running', 1, now(), 'w1', now() + interval '1 minute') returning id")
          .iterator().next().getLong(0);
      Buffer result = new JsonObject().put("answer", 42).toBuffer();
      // the ack has moved the job (its row locked, deleted from jobs) and not committed yet
      Transaction tx = await(acker.begin());
      await(acker.preparedQuery(new Queries(schema).get("CompleteFlagged")).execute(Tuple.of(new Long[] {id},
          new Integer[] {1}, new Buffer[] {result}, "w1", null, null, 0.0, 0, true)));

      Future<JobResult> answer = awaiter.await(id, Duration.ofSeconds(30));
      // the await's lookup waits for the ack's lock on the row...
      eventually(Duration.ofSeconds(10), () -> sql("select count(*) from pg_stat_activity where wait_event_type ="
          + " 'Lock' and query like '%awaited = true%'").iterator().next().getLong(0) == 1);
      await(tx.commit()); // ...and finds it gone from jobs once it commits

      JobResult got = await(answer);
      assertThat(got.state()).isEqualTo(JobState.COMPLETED);
      assertThat(got.json()).isEqualTo(new JsonObject().put("answer", 42));
      assertThat(awaiter.awaited()).isZero();
    } finally {
      await(acker.close());
      await(awaiter.stop());
    }
  }
}
