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
 * Its heartbeat must not keep them alive: they expire with their lease and run again.
 */
class LostAckTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void aJobLeftRunningUnderALiveWorkersNameThatItDoesNotHoldExpiresAndRunsAgain() {
    List<Long> ran = new CopyOnWriteArrayList<>();
    WorkerVerticle worker = spool.worker(fastLiveness().setLease(Duration.ofSeconds(1)),
        new JobHandlers().register(WORK, (args, ctx) -> {
          ran.add(ctx.id());
          return Future.succeededFuture();
        }));
    await(vertx.deployVerticle(worker, new DeploymentOptions()));
    // What the standby has after a failover that lost the worker's ack: the claim, not the completion.
    long id = sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
        + " values ('work', '\\x7b7d'::bytea, 'running', 1, now(), $1, now() + interval '1 second') returning id",
        worker.owner()).iterator().next().getLong(0);

    eventually(Duration.ofSeconds(10), () -> ran.contains(id));
    eventually(Duration.ofSeconds(5), () -> count("true") == 0);
    assertThat(ran).containsExactly(id);
  }
}
