package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker's heartbeat does not wait behind its claims: while a claim is held up on the worker's connection
 * (here by a lock; in production by a claim of large payloads that takes seconds to arrive), the worker
 * keeps beating, so the rescuer never takes it for dead and runs its jobs a second time.
 */
class HeartbeatConnectionTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void aWorkerKeepsBeatingWhileItsClaimIsHeldUp() throws InterruptedException {
    await(spool.deployWorkers(new WorkerOptions()
        .setHeartbeatInterval(Duration.ofMillis(200))
        .setPollInterval(Duration.ofMillis(100))
        .setWorkerTimeout(Duration.ofSeconds(30)),
        new JobHandlers().register(WORK, (args, ctx) -> Future.succeededFuture()), 1));
    eventually(Duration.ofSeconds(10), () -> workers() == 1);

    SqlConnection locker = await(spool.pool().getConnection());
    try {
      int lockerPid = await(locker.query("select pg_backend_pid()").execute()).iterator().next().getInteger(0);
      await(locker.query("begin").execute());
      // every claim probes its queue's row (is it paused?): the worker's next poll waits for this lock
      await(locker.query("lock table " + schema + ".queues in access exclusive mode").execute());
      eventually(Duration.ofSeconds(10), () -> claimsWaitingFor(lockerPid) >= 1);
      Thread.sleep(2_000);

      assertThat(claimsWaitingFor(lockerPid)).as("the worker's claim is still held up").isGreaterThanOrEqualTo(1);
      assertThat(secondsSinceTheLastBeat()).as("seconds since the worker's last beat").isLessThan(1.0);
    } finally {
      await(locker.query("rollback").execute());
      await(locker.close());
    }
  }

  private long workers() {
    return sql("select count(*) from {schema}.workers").iterator().next().getLong(0);
  }

  private double secondsSinceTheLastBeat() {
    return sql("select extract(epoch from now() - max(heartbeat_at))::float8 from {schema}.workers")
        .iterator().next().getDouble(0);
  }

  private long claimsWaitingFor(int lockerPid) {
    return sql("select count(*) from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))", lockerPid)
        .iterator().next().getLong(0);
  }
}
