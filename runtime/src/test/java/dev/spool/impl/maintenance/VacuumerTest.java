package dev.spool.impl.maintenance;

import dev.spool.impl.sql.Queries;
import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.VacuumOptions;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VacuumerTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  private void churn(int rows) {
    sql("insert into {schema}.jobs (task, args) select 'work', '\\x7b7d'::bytea from generate_series(1, " + rows + ")");
    sql("delete from {schema}.jobs");
  }

  private Object lastVacuum() {
    return sql("select last_vacuum from pg_stat_user_tables where schemaname = '" + schema + "' and relname = 'jobs'")
        .iterator().next().getValue(0);
  }

  @Test
  void vacuumsTheJobsTableOnceDeadRowsPassTheThresholds() {
    Vacuumer vacuumer = new Vacuumer(vertx, spool.pool(), new Queries(spool.options().getSchema()),
        new VacuumOptions().setMinDeadRows(5_000), () -> 0);
    churn(1_000);
    assertThat(await(vacuumer.runOnce())).isFalse(); // 1,000 dead rows: not worth a vacuum
    assertThat(lastVacuum()).isNull();

    churn(10_000);
    // the dead-row count reaches the statistics within a second or so of the deleting transaction
    eventually(Duration.ofSeconds(10), () -> await(vacuumer.runOnce()));
    eventually(Duration.ofSeconds(10), () -> lastVacuum() != null); // statistics, like the counts, lag a little
    assertThat(vacuumer.vacuums()).isEqualTo(1);
    eventually(Duration.ofSeconds(10), () -> sql("select n_dead_tup from pg_stat_user_tables where schemaname = '"
        + schema + "' and relname = 'jobs'").iterator().next().getLong(0) == 0);
    assertThat(await(vacuumer.runOnce())).isFalse(); // nothing left to do
  }

  @Test
  void aLeaderKeepsABusyQueueVacuumedAndLooksRarelyWhenIdle() {
    SpoolOptions options = new SpoolOptions().setSchema(schema)
        .setVacuum(new VacuumOptions().setMinDeadRows(2_000).setCheckInterval(Duration.ofMillis(200)));
    spool = newSpool(vertx, options);
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setHeartbeatInterval(Duration.ofMillis(200)),
        new JobHandlers().register(WORK, (args, job) -> Future.succeededFuture())), new DeploymentOptions()));
    for (int i = 0; i < 5; i++) {
      await(spool.client().enqueueBatch(WORK, Collections.nCopies(2_000, new JsonObject()), new EnqueueOptions()));
    }
    eventually(Duration.ofSeconds(20), () -> count("true") == 0 && lastVacuum() != null);
  }

  @Test
  void whileAnOldSnapshotHoldsTheHorizonItVacuumsOnceInsteadOfAtEveryCheck() {
    Vacuumer vacuumer = new Vacuumer(vertx, spool.pool(), new Queries(spool.options().getSchema()),
        new VacuumOptions().setMinDeadRows(5_000), () -> 0);
    whilePinned(() -> {
      churn(10_000);
      eventually(Duration.ofSeconds(10), () -> await(vacuumer.runOnce()));
      // the pass could remove none of them: they stay over the threshold, and another pass would remove none either
      churn(10_000);
      eventually(Duration.ofSeconds(10), () -> sql("select n_dead_tup from pg_stat_user_tables where schemaname = '"
          + schema + "' and relname = 'jobs'").iterator().next().getLong(0) >= 20_000);
      assertThat(await(vacuumer.runOnce())).isFalse();
      assertThat(await(vacuumer.runOnce())).isFalse();
      assertThat(vacuumer.vacuums()).isEqualTo(1);
      assertThat(vacuumer.skips()).isEqualTo(2);
    });
    // the snapshot is gone: the horizon moved, and the next pass removes them
    assertThat(await(vacuumer.runOnce())).isTrue();
    assertThat(vacuumer.vacuums()).isEqualTo(2);
  }

  @Test
  void underALongPinItPassesAfterAMinuteThenEverTwiceAsLongUntilTheHorizonMoves() {
    AtomicLong clock = new AtomicLong();
    Vacuumer vacuumer = new Vacuumer(vertx, spool.pool(), new Queries(spool.options().getSchema()),
        new VacuumOptions().setMinDeadRows(5_000), () -> 0, clock::get);
    whilePinned(() -> {
      churn(10_000);
      eventually(Duration.ofSeconds(10), () -> await(vacuumer.runOnce()));
      // the pin holds: a pass 59 s later is left out, one a minute later is made in case the horizon moved unseen
      clock.addAndGet(Duration.ofSeconds(59).toNanos());
      assertThat(await(vacuumer.runOnce())).isFalse();
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(await(vacuumer.runOnce())).isTrue();
      // it had not: the next waits two minutes, the one after four
      clock.addAndGet(Duration.ofSeconds(119).toNanos());
      assertThat(await(vacuumer.runOnce())).isFalse();
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(await(vacuumer.runOnce())).isTrue();
      clock.addAndGet(Duration.ofSeconds(239).toNanos());
      assertThat(await(vacuumer.runOnce())).isFalse();
      assertThat(vacuumer.vacuums()).isEqualTo(3);
    });
    // the horizon moved (nothing holds it now): the next check passes at once, and so does the one after more churn
    assertThat(await(vacuumer.runOnce())).isTrue();
    churn(10_000);
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    eventually(Duration.ofSeconds(10), () -> await(vacuumer.runOnce()));
    assertThat(vacuumer.vacuums()).isEqualTo(5);
  }

  @Test
  void looksEveryCheckIntervalWhileTheNodeWorksAndHardlyAtAllWhileIdle() {
    AtomicLong claimed = new AtomicLong();
    Vacuumer vacuumer = new Vacuumer(vertx, spool.pool(), new Queries(spool.options().getSchema()), new VacuumOptions()
        .setCheckInterval(Duration.ofMillis(20)).setIdleCheckInterval(Duration.ofHours(1)), claimed::get);
    await(vacuumer.start());
    eventually(Duration.ofSeconds(5), () -> vacuumer.checks() == 1); // the first tick always looks
    sleepMs(300);
    assertThat(vacuumer.checks()).isEqualTo(1); // fifteen ticks later, idle: not one more read
    long periodic = vertx.setPeriodic(10, t -> claimed.incrementAndGet()); // the node claims jobs
    eventually(Duration.ofSeconds(5), () -> vacuumer.checks() >= 5);
    vertx.cancelTimer(periodic);
    await(vacuumer.stop());
  }

  @Test
  void aRoleThatDoesNotOwnTheTableTurnsTheVacuumerOffInsteadOfVacuumingInVain() {
    String role = "spool_reader_" + schema;
    sql("create role " + role);
    try {
      sql("grant usage on schema " + schema + " to " + role);
      sql("grant select on " + schema + ".jobs to " + role);
      churn(10_000);
      // the statistics query as another role: on a dedicated connection, so the pool's others stay as they were
      io.vertx.sqlclient.SqlConnection connection = await(spool.pool().getConnection());
      try {
        await(connection.query("set role " + role).execute());
        Vacuumer vacuumer = new Vacuumer(vertx, connection, new Queries(spool.options().getSchema()), new VacuumOptions().setMinDeadRows(1), () -> 0);
        assertThat(await(vacuumer.runOnce())).isFalse();
        assertThat(await(vacuumer.runOnce())).isFalse();
        assertThat(vacuumer.checks()).isEqualTo(1); // told once, it does not ask again
        assertThat(vacuumer.vacuums()).isZero();
        await(connection.query("reset role").execute());
      } finally {
        await(connection.close());
      }
    } finally {
      sql("drop owned by " + role);
      sql("drop role " + role);
    }
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code check} while a REPEATABLE READ transaction that has read the jobs table holds the horizon. */
  private void whilePinned(Runnable check) {
    io.vertx.sqlclient.SqlConnection pin = await(spool.pool().getConnection());
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select count(*) from " + schema + ".jobs").execute());
      check.run();
    } finally {
      await(pin.query("rollback").execute());
      await(pin.close());
    }
  }
}
