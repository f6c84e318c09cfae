package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One worker serving many queues: one poll for all of them, and every queue still served. */
class ManyQueuesTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final List<String> QUEUES = IntStream.rangeClosed(1, 200).mapToObj(i -> "q" + i).toList();

  private final Set<String> ranIn = ConcurrentHashMap.newKeySet();

  private void deployWorker() {
    JobHandlers handlers = new JobHandlers().register(WORK, (args, ctx) -> {
      ranIn.add(ctx.queue());
      return Future.succeededFuture();
    });
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setQueues(QUEUES)
        .setPollInterval(Duration.ofMillis(200)), handlers), new DeploymentOptions()));
  }

  private long databaseTransactions() {
    return sql("select xact_commit + xact_rollback from pg_stat_database where datname = current_database()")
        .iterator().next().getLong(0);
  }

  @Test
  void twoHundredEmptyQueuesPolledEvery200msCostAFewStatementsASecondNotAThousand() throws Exception {
    deployWorker();
    Thread.sleep(1_500); // the first claims are over
    long before = databaseTransactions();
    Thread.sleep(5_000);
    long during = databaseTransactions() - before;
    // A poll per queue would be 200 queues x 5 polls/s x 5 s = 5,000; statistics lag by up to a second or so.
    assertThat(during).as("transactions in 5 s of idling").isLessThan(300);
  }

  @Test
  void jobsFallingDueInSomeOfTheQueuesRunWithoutANotificationAndPausedQueuesWait() {
    deployWorker();
    await(spool.client().pauseQueue("q7"));
    Instant due = Instant.now().plusMillis(800); // no NOTIFY is sent when a job falls due: the poll finds it
    for (String queue : List.of("q3", "q7", "q150", "q200")) {
      await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue(queue).setRunAt(due)));
    }
    eventually(Duration.ofSeconds(5), () -> ranIn.size() == 3);
    assertThat(ranIn).containsExactlyInAnyOrder("q3", "q150", "q200");
    await(spool.client().resumeQueue("q7"));
    eventually(Duration.ofSeconds(5), () -> ranIn.contains("q7"));
  }
}
