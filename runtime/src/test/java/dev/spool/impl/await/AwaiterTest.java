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
  void hundredsOfAwaitedJobsWithAndWithoutResultsAreEachAnsweredByTheirAck() {
    Awaiter awaiter = new Awaiter(vertx, spool.pool(), new Queries(schema), spool.connectOptions(), NO_POLL);
    try {
      int n = 300; // more than one ack statement's worth of awaited jobs, and more than one payload's
      List<JsonObject> echoArgs = IntStream.range(0, n).mapToObj(i -> new JsonObject().put("i", i)).toList();
      List<Long> bare = await(spool.client().enqueueBatch(BuiltInTasks.NOOP, Collections.nCopies(n, new JsonObject()),
          new EnqueueOptions()));
      List<Long> echoed = await(spool.client().enqueueBatch(BuiltInTasks.ECHO, echoArgs, new EnqueueOptions()));
      List<Future<JobResult>> answers = new ArrayList<>();
      bare.forEach(id -> answers.add(awaiter.await(id, Duration.ofSeconds(30))));
      echoed.forEach(id -> answers.add(awaiter.await(id, Duration.ofSeconds(30))));
      // every await registered (its job flagged) before any worker runs, so none is answered by its lookup
      eventually(Duration.ofSeconds(10), () -> count("awaited") == 2L * n);
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
        assertThat(echo.id()).isEqualTo(echoed.get(i));
        assertThat(echo.state()).isEqualTo(JobState.COMPLETED);
        assertThat(echo.json()).isEqualTo(echoArgs.get(i));
      }
      assertThat(awaiter.awaited()).isZero();
    } finally {
      await(awaiter.stop());
    }
  }
}
