package dev.spool.impl.maintenance;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.impl.stats.Stats;
import dev.spool.spi.SpoolListener;
import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Row;
import java.time.Duration;
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
}
