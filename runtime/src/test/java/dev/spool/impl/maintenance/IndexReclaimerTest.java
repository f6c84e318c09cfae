package dev.spool.impl.maintenance;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After a long transaction held vacuum back, the jobs table's indexes stay as large as they grew; the leader
 * rebuilds the bloated ones beside the old, once no old snapshot would make the rebuild wait.
 */
class IndexReclaimerTest extends SpoolTestBase {

  private Pool own;
  private IndexReclaimer reclaimer;

  @BeforeEach
  void aReclaimerOnAConnectionOfItsOwn() {
    own = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(TestDatabase.uri())).using(vertx).build();
    reclaimer = new IndexReclaimer(vertx, own, new Queries(schema), 256 << 10, 400);
  }

  @AfterEach
  void close() {
    await(own.close());
  }

  /** 100,000 jobs passed through the queue while a transaction held the horizon: the claim index kept them. */
  private void bloatTheClaimIndex() {
    sql("insert into {schema}.jobs (task, args) select 'work', '\\x7b7d'::bytea from generate_series(1, 100000)");
    sql("delete from {schema}.jobs");
    sql("insert into {schema}.jobs (task, args) select 'work', '\\x7b7d'::bytea from generate_series(1, 10)");
    sql("vacuum {schema}.jobs"); // the horizon moved: the entries go, the pages stay
  }

  private long claimIndexBytes() {
    return sql("select pg_relation_size('{schema}.jobs_claim')").iterator().next().getLong(0);
  }

  @Test
  void rebuildsAnIndexFarLargerThanItsEntriesNeedAndClaimsStillUseIt() {
    bloatTheClaimIndex();
    long before = claimIndexBytes();

    assertThat(await(reclaimer.runOnce())).isNotNull(); // the largest first, one index a pass
    while (await(reclaimer.runOnce()) != null) {
      assertThat(reclaimer.rebuilds()).isLessThan(10);
    }
    assertThat(claimIndexBytes()).isLessThan(before / 10);
    assertThat(count("state = 'available'")).isEqualTo(10);
    assertThat(sql("select count(*) from pg_index where indrelid = '{schema}.jobs'::regclass and not indisvalid")
        .iterator().next().getLong(0)).isZero();
    assertThat(await(reclaimer.runOnce())).as("nothing bloated is left").isNull();
  }

  @Test
  void waitsWhileAnOldSnapshotWouldMakeTheRebuildWait() throws Exception {
    bloatTheClaimIndex();
    SqlConnection pin = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(pin.query("begin isolation level repeatable read").execute());
      await(pin.query("select 1 from pg_class limit 1").execute());
      Thread.sleep(6_000); // older than the 5 s a rebuild will wait for

      assertThat(await(reclaimer.runOnce())).isNull();
      assertThat(reclaimer.rebuilds()).isZero();
    } finally {
      await(pin.close());
    }
    assertThat(await(reclaimer.runOnce())).isNotNull();
  }

  @Test
  void dropsTheInvalidCopyAFailedRebuildLeft() {
    sql("create index jobs_claim_ccnew on {schema}.jobs (id)");
    sql("update pg_index set indisvalid = false where indexrelid = '{schema}.jobs_claim_ccnew'::regclass");

    await(reclaimer.runOnce());

    assertThat(sql("select count(*) from pg_class where relname = 'jobs_claim_ccnew' and relnamespace = '"
        + schema + "'::regnamespace").iterator().next().getLong(0)).isZero();
  }
}
