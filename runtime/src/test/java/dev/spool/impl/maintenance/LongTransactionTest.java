package dev.spool.impl.maintenance;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The statements a worker and its leader run every second, while a transaction elsewhere keeps an entry in the
 * index of running jobs for every job claimed since it began: each reads the few rows it is about, not every
 * entry kept. (Read from the head of that index, each read them all: 0.9 s a heartbeat and 0.66 s a rescue pass
 * after a million jobs, once a second each.)
 */
class LongTransactionTest extends SpoolTestBase {

  @Test
  void aHeartbeatExtendsTheLeasesOfTheJobsItHoldsByTheirIds() throws Throwable {
    // (its check for jobs under its name it no longer holds reads the leases still running: the last lease's worth
    // of claims, however long the transaction)
    underALongTransaction(false, () -> {
      // a worker holds up to its concurrency and prefetch: here its one job and 19 it finished meanwhile
      Long[] held = LongStream.concat(LongStream.of(held()), LongStream.range(1, 20)).boxed().toArray(Long[]::new);
      Tuple beat = Tuple.of("me", new String[] {"q"}, 30_000.0, new JsonObject(), new String[] {"t"}, new JsonObject())
          .addInteger(1).addInteger(0).addArrayOfLong(held).addArrayOfLong(held).addDouble(2_000.0);

      assertThat(buffers("Heartbeat", beat)).isLessThan(100);
    });
  }

  @Test
  void aRescueBetweenFullPassesReadsOnlyTheLeasesThatRanOutSinceTheLastPass() throws Throwable {
    underALongTransaction(true, () -> {
      long full = buffers("RescueJobs", Tuple.of(Rescuer.BATCH));
      long since = buffers("RescueJobsSince", Tuple.of(Rescuer.BATCH, 7_000.0));

      assertThat(full).as("a full pass reads every kept entry's row").isGreaterThan(100);
      assertThat(since).as("a pass since the last one, against %d for a full pass", full).isLessThan(20);
    });
  }

  /**
   * Runs {@code check} while a REPEATABLE READ transaction holds the horizon over 20,000 jobs claimed and finished
   * since it began (with {@code someStillRun}, half of them claimed so lately that their leases still run), and one
   * job held by worker "me" with its lease due to be extended.
   */
  private void underALongTransaction(boolean someStillRun, Executable check) throws Throwable {
    sql("insert into {schema}.workers (id, queues) values ('me', '{q}')");
    // vacuumed while empty, as a drained queue is: the planner's statistics then count no row and one page per
    // index, whatever the held transaction makes of them later (a vacuum under it finds nothing to remove)
    sql("vacuum {schema}.jobs");
    SqlConnection pin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select count(*) from pg_class").execute()); // the snapshot is taken: vacuum is held
      sql("insert into {schema}.jobs (queue, task, args) select 'q', 't', '\\x7b7d' from generate_series(1, 20000)");
      // claimed: their leases ran out long ago, or (the last lease's worth of claims) still run
      sql("update {schema}.jobs set state = 'running', lease_owner = 'gone', lease_expires_at = now() + case when $1"
          + " and id % 2 = 0 then interval '30 seconds' else - interval '1 hour' end", someStillRun);
      sql("delete from {schema}.jobs"); // finished, but their entries stay
      sql("insert into {schema}.jobs (queue, task, args, state, attempt, lease_owner, lease_expires_at) "
          + "values ('q', 't', '\\x7b7d', 'running', 1, 'me', now() + interval '5 seconds')");
      check.execute();
    } finally {
      await(pin.close());
    }
  }

  private long held() {
    return sql("select id from {schema}.jobs where lease_owner = 'me'").iterator().next().getLong(0);
  }

  /**
   * The buffers a statement touches in its generic plan (a worker runs it prepared, over and over), by EXPLAIN
   * (ANALYZE, BUFFERS) in a transaction rolled back.
   */
  private long buffers(String name, Tuple params) {
    SqlConnection c = await(spool.pool().getConnection());
    try {
      await(c.query("begin").execute());
      await(c.query("set local plan_cache_mode = force_generic_plan").execute());
      Object plan = await(c.preparedQuery("explain (analyze, buffers, format json) " + new Queries(schema).get(name))
          .execute(params)).iterator().next().getValue(0);
      await(c.query("rollback").execute());
      JsonObject root = (plan instanceof JsonArray a ? a : new JsonArray(plan.toString())).getJsonObject(0)
          .getJsonObject("Plan");
      return root.getLong("Shared Hit Blocks", 0L) + root.getLong("Shared Read Blocks", 0L);
    } finally {
      await(c.close());
    }
  }
}
