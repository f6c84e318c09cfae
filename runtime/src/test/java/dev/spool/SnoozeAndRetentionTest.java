package dev.spool;

import dev.spool.impl.sql.Queries;
import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.maintenance.Pruner;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SnoozeAndRetentionTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void aSnoozedJobRunsAgainLaterWithoutUsingUpAnAttempt() {
    List<String> runs = new CopyOnWriteArrayList<>();
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(WORK, (args, ctx) -> {
      runs.add(ctx.attempt() + "/" + ctx.maxAttempts());
      return ctx.attempt() == 1 ? Snooze.after(Duration.ofMillis(500)) : Future.succeededFuture();
    })), new DeploymentOptions()));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));
    eventually(Duration.ofSeconds(5), () -> count("state = 'available' and max_attempts = 2") == 1); // snooze written
    Job snoozed = await(spool.client().find(id)).orElseThrow();
    assertThat(snoozed.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(snoozed.runAt()).isAfter(java.time.Instant.now().minusMillis(100));
    assertThat(snoozed.attempt()).isEqualTo(1);
    assertThat(snoozed.maxAttempts()).isEqualTo(2);
    assertThat(snoozed.lastError()).isNull();
    eventually(Duration.ofSeconds(5), () -> runs.size() == 2);
    eventually(Duration.ofSeconds(5), () -> count("true") == 0); // completed (and deleted), not dead
    assertThat(runs).containsExactly("1/1", "2/2");
    assertThat(spool.stats().snoozed()).isEqualTo(1);
    assertThat(spool.stats().dead()).isZero();
  }

  @Test
  void retentionKeepsTheTableBoundedUnderSteadyLoad() throws Exception {
    SpoolOptions options = new SpoolOptions().setSchema(schema).setRetention(new RetentionOptions()
        .setCompleted(Duration.ofSeconds(1)).setPruneInterval(Duration.ofMillis(200)));
    Spool kept = newSpool(vertx, options);
    await(vertx.deployVerticle(() -> kept.worker(new WorkerOptions(), new JobHandlers()
        .register(WORK, (args, ctx) -> Future.succeededFuture())), new DeploymentOptions()));
    long maxRows = 0;
    long maxCompleted = 0;
    long maxInJobs = 0;
    for (int tick = 0; tick < 40; tick++) { // 4 s at 500 jobs/s
      await(kept.client().enqueueBatch(WORK, IntStream.range(0, 50).mapToObj(i -> new JsonObject()).toList(),
          new EnqueueOptions()));
      Thread.sleep(100);
      maxRows = Math.max(maxRows, countAll("true"));
      maxCompleted = Math.max(maxCompleted, countAll("state = 'completed'"));
      maxInJobs = Math.max(maxInJobs, count("state = 'completed'"));
    }
    // kept for a second (so several hundred at a time), never much more than a second and a prune interval's worth
    assertThat(maxCompleted).isGreaterThan(200);
    assertThat(maxRows).isLessThan(1_200);
    assertThat(maxInJobs).isZero(); // kept outside the table the claims read
    eventually(Duration.ofSeconds(5), () -> countAll("true") == 0);
  }

  @Test
  void eachFinalStateHasItsOwnWindowAndThePrunerWorksInBoundedBatches() throws Exception {
    sql("insert into {schema}.jobs (task, args, state, finished_at)"
        + " select 'work', '\\x7b7d'::bytea, 'completed', now() - interval '2 hours' from generate_series(1, 2500)");
    sql("insert into {schema}.jobs (task, args, state, finished_at)"
        + " select 'work', '\\x7b7d'::bytea, 'dead', now() - interval '2 hours' from generate_series(1, 10)");
    sql("insert into {schema}.jobs (task, args, state, finished_at)"
        + " select 'work', '\\x7b7d'::bytea, 'cancelled', now() - interval '2 hours' from generate_series(1, 10)");
    sql("insert into {schema}.jobs (task, args, state, finished_at)"
        + " select 'work', '\\x7b7d'::bytea, 'completed', now() from generate_series(1, 5)");
    Pruner pruner = new Pruner(vertx, spool.pool(), new Queries(spool.options().getSchema()), new RetentionOptions()
        .setCompleted(Duration.ofHours(1)).setDead(Duration.ofDays(7)).setCancelled(Duration.ZERO)
        .setPruneBatch(1000).setMaxBatchesPerPass(2));

    assertThat(await(pruner.runOnce())).isEqualTo(2000 + 10);   // two batches of completed, all cancelled
    assertThat(count("state = 'completed'")).isEqualTo(505);
    assertThat(await(pruner.runOnce())).isEqualTo(500);
    assertThat(count("state = 'completed'")).isEqualTo(5);      // the recent ones stay
    assertThat(count("state = 'dead'")).isEqualTo(10);          // dead ones are kept a week
    assertThat(count("state = 'cancelled'")).isZero();
    assertThat(await(pruner.runOnce())).isZero();
  }

  @Test
  void historyEventsAreKeptForTheirOwnWindow() throws Exception {
    sql("insert into {schema}.job_events (job_id, from_state, to_state, attempt, at)"
        + " select g, 'available', 'running', 1, now() - interval '8 days' from generate_series(1, 30) g");
    sql("insert into {schema}.job_events (job_id, from_state, to_state, attempt, at)"
        + " select g, 'running', 'completed', 1, now() - interval '1 hour' from generate_series(1, 4) g");
    Pruner pruner = new Pruner(vertx, spool.pool(), new Queries(spool.options().getSchema()), new RetentionOptions()
        .setHistory(Duration.ofDays(7)).setPruneBatch(20));

    assertThat(await(pruner.runOnce())).isEqualTo(30);
    assertThat(sql("select count(*) from {schema}.job_events").iterator().next().getLong(0)).isEqualTo(4);
    Pruner keepsAll = new Pruner(vertx, spool.pool(), new Queries(spool.options().getSchema()), new RetentionOptions().setHistory(null)
        .setDead(null).setCancelled(null).setResults(null));
    assertThat(keepsAll.hasWork()).isFalse();
  }
}
