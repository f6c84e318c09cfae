package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.QueueOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker of a fair queue claims from floors per key once a head scan has landed ({@link KeyFrontier}): a key it
 * has not met runs (its claims find it between the keys they know: ClaimKeyedFromFloorsTest), and the
 * jobs that become available below a key's floors (a run_at in the past, a priority never seen, an enqueue whose
 * transaction outlived the margin) run once a head scan finds them; a failed job's retry runs after its backoff.
 */
class KeyedClaimBelowFloorsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = ClaimBelowFloorsTest.WORK;
  static final Task<JsonObject> FLAKY = ClaimBelowFloorsTest.FLAKY;

  private final List<Long> ran = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startAFairWorkerWithJobsOfTwoKeysFlowing() {
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setQueues("fair")
        .setQueueOptions("fair", new QueueOptions().setFair(true)), ClaimBelowFloorsTest.recording(ran))));
    eventually(Duration.ofSeconds(10), () -> {
      for (String key : List.of("a", "b")) {
        long job = await(spool.client().enqueue(WORK, new JsonObject(), keyed(key)));
        eventually(Duration.ofSeconds(10), () -> ran.contains(job));
      }
      return spool.stats().claimsFromFloors() > 0;
    });
  }

  @Test
  void aKeyNotMetBeforeRunsWhileTheWorkerClaimsFromFloors() {
    long claimsBefore = spool.stats().claimsFromFloors();
    long fresh = await(spool.client().enqueue(WORK, new JsonObject(), keyed("c")));

    eventually(Duration.ofSeconds(10), () -> ran.contains(fresh));
    assertThat(spool.stats().claimsFromFloors()).isGreaterThan(claimsBefore);
  }

  @Test
  void aJobDueLongAgoRuns() {
    long overdue = await(spool.client().enqueue(WORK, new JsonObject(),
        keyed("a").setRunAt(Instant.now().minus(Duration.ofDays(1)))));

    eventually(Duration.ofSeconds(10), () -> ran.contains(overdue));
  }

  @Test
  void aJobOfAPriorityNotSeenBeforeRuns() {
    long urgent = await(spool.client().enqueue(WORK, new JsonObject(), keyed("b").setPriority(-5)));

    eventually(Duration.ofSeconds(10), () -> ran.contains(urgent));
  }

  @Test
  void aJobWithoutAKeyRuns() {
    long plain = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("fair")));

    eventually(Duration.ofSeconds(10), () -> ran.contains(plain));
  }

  @Test
  void aJobThatFailedRunsAgainAfterItsBackoff() {
    long flaky = await(spool.client().enqueue(FLAKY, new JsonObject(), keyed("a")));

    eventually(Duration.ofSeconds(10), () -> ran.contains(flaky)); // its handler succeeds on the second attempt
  }

  @Test
  void aJobEnqueuedInATransactionOpenLongerThanTheMarginRuns() throws Exception {
    SqlConnection tx = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(tx.query("begin").execute());
      long late = await(tx.query("select " + schema + ".enqueue('work', queue => 'fair', key => 'a')").execute())
          .iterator().next().getLong(0);
      for (int i = 0; i < 15; i++) { // 1.5 s of other jobs of its key run meanwhile, and its floor moves past its run_at
        long other = await(spool.client().enqueue(WORK, new JsonObject(), keyed("a")));
        eventually(Duration.ofSeconds(10), () -> ran.contains(other));
        Thread.sleep(100);
      }
      await(tx.query("commit").execute());

      eventually(Duration.ofSeconds(10), () -> ran.contains(late));
    } finally {
      await(tx.close());
    }
  }

  private static EnqueueOptions keyed(String key) {
    return new EnqueueOptions().setQueue("fair").setKey(key);
  }
}
