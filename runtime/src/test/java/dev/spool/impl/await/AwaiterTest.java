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
import io.vertx.core.json.JsonObject;
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
    } finally {
      await(awaiter.stop());
    }
  }
}
