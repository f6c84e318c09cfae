package dev.spool.impl.maintenance;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import dev.spool.spi.SpoolListener;
import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which workers the leader's rescuer takes for dead. A worker timeout of a day here: only the shortcut for a
 * worker whose database session is gone can reap anyone within the test.
 */
class RescuerTest extends SpoolTestBase {

  private Rescuer rescuer() {
    return new Rescuer(vertx, spool.pool(), new Queries(schema), Duration.ofMillis(250), Duration.ofDays(1),
        Duration.ofMillis(500), new Stats().recorder(SpoolListener.NONE));
  }

  private List<String> registered() {
    List<String> ids = new ArrayList<>();
    for (Row row : sql("select id from {schema}.workers order by id")) {
      ids.add(row.getString(0));
    }
    return ids;
  }

  @Test
  void aWorkerWhoseSessionIsGoneIsReapedAfterTwoMissedBeats() {
    // no backend has pid 0: the session is gone
    sql("insert into {schema}.workers (id, queues, heartbeat_at, backend_pid) values "
        + "('gone', '{default}', now() - interval '2 seconds', 0), "
        + "('connected', '{default}', now() - interval '2 seconds', pg_backend_pid())");

    await(rescuer().runOnce());

    assertThat(registered()).containsExactly("connected");
  }

  @Test
  void aWorkerLastHeardBeforeTheServerStartedHasTheWholeWorkerTimeoutToComeBack() {
    // Its session closed with the server (a restart), not with the worker, which may be reconnecting now: a busy
    // machine takes longer than two beats, and reaping it would run the jobs whose acks it is writing again.
    sql("insert into {schema}.workers (id, queues, heartbeat_at, backend_pid) values "
        + "('before-restart', '{default}', pg_postmaster_start_time() - interval '1 second', 0)");

    await(rescuer().runOnce());

    assertThat(registered()).containsExactly("before-restart");
  }

  @Test
  void betweenFullPassesItTakesTheLeasesThatRanOutSinceAndAFullPassTakesTheRest() {
    // every read of this clock is a second later: each pass takes a second, so a full one waits twenty
    AtomicLong clock = new AtomicLong();
    Rescuer rescuer = new Rescuer(vertx, spool.pool(), new Queries(schema), Duration.ofMillis(250), Duration.ofDays(1),
        Duration.ofMillis(500), new Stats().recorder(SpoolListener.NONE), () -> clock.getAndAdd(1_000_000_000L));
    sql("insert into {schema}.workers (id, queues) values ('alive', '{default}')");
    await(rescuer.runOnce());
    assertThat(rescuer.fullPasses()).isEqualTo(1);

    // a lease that ran out just now, and one that ran out an hour ago yet was not taken (its row was locked by a
    // transaction that rolled back, say)
    long recent = runningWithLeaseOutFor(Duration.ofSeconds(1));
    long old = runningWithLeaseOutFor(Duration.ofHours(1));
    await(rescuer.runOnce());

    assertThat(rescuer.fullPasses()).isEqualTo(1);
    assertThat(state(recent)).isEqualTo("available");
    assertThat(state(old)).isEqualTo("running");
    while (rescuer.fullPasses() < 2) {
      await(rescuer.runOnce());
    }
    assertThat(rescuer.passes()).isLessThanOrEqualTo(12); // the next full pass came twenty seconds after the first
    assertThat(state(old)).isEqualTo("available");
  }

  @Test
  void theJobsOfAWorkerJustReapedAreTakenAtOnceThoughTheirLeasesStillRun() {
    AtomicLong clock = new AtomicLong();
    Rescuer rescuer = new Rescuer(vertx, spool.pool(), new Queries(schema), Duration.ofMillis(250), Duration.ofDays(1),
        Duration.ofMillis(500), new Stats().recorder(SpoolListener.NONE), () -> clock.getAndAdd(1_000_000_000L));
    await(rescuer.runOnce()); // a full pass: the next waits twenty seconds
    sql("insert into {schema}.workers (id, queues, heartbeat_at, backend_pid) values "
        + "('gone', '{default}', now() - interval '2 seconds', 0)");
    long job = sql("insert into {schema}.jobs (task, args, state, attempt, lease_owner, lease_expires_at) values "
        + "('t', '\\x7b7d', 'running', 1, 'gone', now() + interval '20 seconds') returning id").iterator().next().getLong(0);

    await(rescuer.runOnce());

    assertThat(registered()).doesNotContain("gone");
    assertThat(state(job)).isEqualTo("available");
    assertThat(rescuer.fullPasses()).isEqualTo(2);
  }

  private long runningWithLeaseOutFor(Duration out) {
    return sql("insert into {schema}.jobs (task, args, state, attempt, lease_owner, lease_expires_at) values "
        + "('t', '\\x7b7d', 'running', 1, 'alive', now() - $1::float8 * interval '1 millisecond') returning id",
        (double) out.toMillis()).iterator().next().getLong(0);
  }

  private String state(long id) {
    return sql("select state::text from {schema}.jobs where id = $1", id).iterator().next().getString(0);
  }
}
