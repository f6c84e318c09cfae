package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Worker acks are committed asynchronously: a crash or a failover to a standby can drop the last of them,
 * leaving rows {@code running} under the name of a worker that lives on but no longer holds those jobs.
 * Its heartbeat must not keep them alive: it ends their lease, and they run again within seconds.
 */
class LostAckTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  final List<Long> ran = new CopyOnWriteArrayList<>();

  WorkerVerticle deployWorker() {
    WorkerVerticle worker = spool.worker(fastLiveness(), new JobHandlers().register(WORK, (args, ctx) -> {
      ran.add(ctx.id());
      return Future.succeededFuture();
    }));
    await(vertx.deployVerticle(worker, new DeploymentOptions()));
    return worker;
  }

  /** A row as a failover that lost the worker's ack leaves it: claimed {@code claimedSecondsAgo} s ago, lease 30 s. */
  long leftRunning(WorkerVerticle worker, int claimedSecondsAgo) {
    return sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
        + " values ('work', '\\x7b7d'::bytea, 'running', 1, now() - $2::int * interval '1 second', $1, now() + interval '30 seconds')"
        + " returning id", worker.owner(), claimedSecondsAgo).iterator().next().getLong(0);
  }

  @Test
  void aJobLeftRunningUnderALiveWorkersNameThatItDoesNotHoldRunsAgainWithinSecondsNotALeaseLater() {
    WorkerVerticle worker = deployWorker();
    long id = leftRunning(worker, 10);

    eventually(Duration.ofSeconds(5), () -> ran.contains(id)); // its lease had 30 s to go
    eventually(Duration.ofSeconds(5), () -> count("true") == 0);
    assertThat(ran).containsExactly(id);
  }

  @Test
  void aJobClaimedMomentsAgoIsLeftAloneItsClaimMayStillBeOnItsWayToTheWorker() throws Exception {
    WorkerVerticle worker = deployWorker();
    long id = leftRunning(worker, 0);

    Thread.sleep(2_000); // ten beats and rescues
    assertThat(ran).isEmpty();
    assertThat(count("id = $1 and state = 'running' and lease_expires_at > now() + interval '20 seconds'", id)).isEqualTo(1);
  }
}
