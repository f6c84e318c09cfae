package dev.spool.impl.maintenance;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.RetentionOptions;
import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kept history's partitions: made ahead by the leader, dropped whole once every row in them is past the
 * retention window, without ever making an ack wait.
 */
class DonePartitionerTest extends SpoolTestBase {

  static final Duration WINDOW = Duration.ofHours(60); // 2.5 days

  private Pool own;

  @BeforeEach
  void aConnectionOfItsOwn() {
    own = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(TestDatabase.uri())).using(vertx).build();
  }

  @AfterEach
  void close() {
    await(own.close());
  }

  private DonePartitioner partitioner(Duration lockTimeout) {
    return partitioner(lockTimeout, WINDOW, WINDOW);
  }

  private DonePartitioner partitioner(Duration lockTimeout, Duration window, Duration resultsWindow) {
    return new DonePartitioner(vertx, own, new Queries(schema), new DonePartitioner.Config(Duration.ofHours(6),
        Duration.ofDays(1), DonePartitioner.Config.DEFAULT_INTERVAL, lockTimeout), window, resultsWindow);
  }

  /** A partition of the history from {@code fromHours} to {@code toHours} from now (negative: in the past). */
  private String partition(int fromHours, int toHours) {
    return partition(fromHours, toHours, false);
  }

  /** The same, marked as holding results (what complete_jobs marks when it moves one in) or not. */
  private String partition(int fromHours, int toHours, boolean results) {
    String name = sql("select 'jobs_done_' || to_char((now() + $1 * interval '1 hour') at time zone 'UTC', "
        + "'YYYYMMDD\"_\"HH24MI')", fromHours).iterator().next().getString(0);
    sql("create table {schema}." + name + " partition of {schema}.jobs_done for values from (now() + " + fromHours
        + " * interval '1 hour') to (now() + " + toHours + " * interval '1 hour')");
    sql("insert into {schema}.jobs_done_partitions (name, starts, ends, results) values ($1, now() + $2 * interval"
        + " '1 hour', now() + $3 * interval '1 hour', $4)", name, fromHours, toHours, results);
    return name;
  }

  /** {@code n} kept jobs that finished {@code hoursAgo} hours ago. */
  private void kept(int n, double hoursAgo) {
    kept(n, hoursAgo, null);
  }

  /** {@code n} kept jobs that finished {@code hoursAgo} hours ago with this result (null: none). */
  private void kept(int n, double hoursAgo, String result) {
    sql("insert into {schema}.jobs_done (id, queue, task, args, priority, run_at, state, attempt, max_attempts, created_at,"
        + " finished_at, result) select nextval(pg_get_serial_sequence('{schema}.jobs', 'id')), 'default', 'work',"
        + " '\\x7b7d'::bytea, 0, now(), 'completed', 1, 20, now(), now() - $2 * interval '1 hour', convert_to($3, 'UTF8')"
        + " from generate_series(1, $1)", n, hoursAgo, result);
  }

  private long resultsBetween(double olderHours, double newerHours) {
    return sql("select count(*) from {schema}.jobs_done where finished_at >= now() - $1 * interval '1 hour'"
        + " and finished_at < now() - $2 * interval '1 hour' and result is not null", olderHours, newerHours)
        .iterator().next().getLong(0);
  }

  private boolean exists(String partition) {
    return sql("select to_regclass($1) is not null", schema + "." + partition).iterator().next().getBoolean(0);
  }

  private long keptBetween(double olderHours, double newerHours) {
    return sql("select count(*) from {schema}.jobs_done where finished_at >= now() - $1 * interval '1 hour'"
        + " and finished_at < now() - $2 * interval '1 hour'", olderHours, newerHours).iterator().next().getLong(0);
  }

  @Test
  void makesPartitionsAheadOfTheFinishTimesAcksWillWrite() {
    assertThat(await(partitioner(Duration.ofSeconds(1)).runOnce())).isZero();

    // contiguous from the migration's to a day and a period past now
    assertThat(sql("select count(*) from {schema}.jobs_done_partitions p where p.ends < now() + interval '30 hours'"
        + " and not exists (select 1 from {schema}.jobs_done_partitions n where n.starts = p.ends)")
        .iterator().next().getLong(0)).isZero();
    assertThat(sql("select max(ends) >= now() + interval '30 hours' from {schema}.jobs_done_partitions")
        .iterator().next().getBoolean(0)).isTrue();
    // each registered partition is attached
    assertThat(sql("select count(*) from {schema}.jobs_done_partitions p where not exists (select 1 from pg_inherits i"
        + " where i.inhparent = '{schema}.jobs_done'::regclass and i.inhrelid = to_regclass('{schema}.' || p.name))")
        .iterator().next().getLong(0)).isZero();
    long partitions = sql("select count(*) from {schema}.jobs_done_partitions").iterator().next().getLong(0);
    await(partitioner(Duration.ofSeconds(1)).runOnce()); // made already: nothing more
    assertThat(sql("select count(*) from {schema}.jobs_done_partitions").iterator().next().getLong(0))
        .isEqualTo(partitions);
  }

  @Test
  void aPartitionPastTheWindowIsDroppedWholeAndTheBoundaryOneIsPrunedRowByRow() {
    String old = partition(-96, -72);
    String boundary = partition(-72, -48);
    kept(100, 84);   // all in the old partition, past the window
    kept(10, 66);    // boundary partition, past the window (60 h)
    kept(10, 54);    // boundary partition, within it
    kept(5, 0);      // the current partition

    assertThat(await(partitioner(Duration.ofSeconds(1)).runOnce())).isEqualTo(1);

    assertThat(exists(old)).isFalse(); // its storage is gone with it
    assertThat(sql("select count(*) from {schema}.jobs_done_partitions where name = $1", old).iterator().next()
        .getLong(0)).isZero();
    assertThat(exists(boundary)).isTrue();
    assertThat(keptBetween(96, 0)).isEqualTo(25);

    Pruner pruner = new Pruner(vertx, spool.pool(), new Queries(schema), new RetentionOptions().setCompleted(WINDOW));
    assertThat(await(pruner.runOnce())).isEqualTo(10);
    assertThat(keptBetween(72, 60)).isZero();
    assertThat(keptBetween(60, 48)).isEqualTo(10); // retention is exact: the younger half stays
    assertThat(keptBetween(1, -1)).isEqualTo(5);
    assertThat(await(pruner.runOnce())).isZero();
  }

  @Test
  void eachRowGoesByItsOwnWindowAndAPartitionHoldingResultsIsDroppedPastTheLongerOne() {
    // completed jobs kept 30 hours, results 60 (partitions end a day ago at the latest: the migration made today's)
    RetentionOptions retention = new RetentionOptions().setCompleted(Duration.ofHours(30)).setResults(WINDOW);
    String old = partition(-96, -72, true);
    kept(10, 84);
    kept(10, 84, "{}");       // past both windows: the partition goes whole
    String withResults = partition(-64, -48, true);
    kept(10, 54);             // past the completed window
    kept(10, 62, "{}");       // past the results window
    kept(10, 54, "{}");       // within it
    String plain = partition(-48, -40, false);
    kept(10, 44);             // no result in it: it goes whole past the completed window
    String boundary = partition(-40, -24, true);
    kept(10, 35);             // past the completed window
    kept(10, 26);             // within it
    kept(10, 35, "{}");       // within the results window

    DonePartitioner partitioner = partitioner(Duration.ofSeconds(1), Pruner.keptWindow(retention),
        Pruner.resultsWindow(retention));
    assertThat(await(partitioner.runOnce())).isEqualTo(2);

    assertThat(exists(old)).isFalse();
    assertThat(exists(plain)).isFalse();
    assertThat(exists(withResults)).isTrue();
    assertThat(exists(boundary)).isTrue();
    assertThat(keptBetween(96, 0)).isEqualTo(60);

    Pruner pruner = new Pruner(vertx, spool.pool(), new Queries(schema), retention);
    // row by row, in the partitions left: those without a result past 30 hours, with one past 60
    assertThat(await(pruner.runOnce())).isEqualTo(30);
    assertThat(keptBetween(64, 48)).isEqualTo(10);
    assertThat(resultsBetween(64, 48)).isEqualTo(10);
    assertThat(keptBetween(40, 24)).isEqualTo(20);
    assertThat(resultsBetween(40, 24)).isEqualTo(10);
    assertThat(keptBetween(30, 24)).isEqualTo(10);
    assertThat(await(pruner.runOnce())).isZero();
  }

  @Test
  void resultsKeptForEverKeepThePartitionsThatHoldThem() {
    RetentionOptions retention = new RetentionOptions().setCompleted(Duration.ofDays(1)).setResults(null);
    String withResults = partition(-96, -72, true);
    kept(10, 84);
    kept(10, 84, "{}");
    String plain = partition(-72, -48, false);
    kept(10, 60);

    assertThat(await(partitioner(Duration.ofSeconds(1), Pruner.keptWindow(retention), Pruner.resultsWindow(retention))
        .runOnce())).isEqualTo(1);
    assertThat(exists(plain)).isFalse();
    assertThat(exists(withResults)).isTrue();

    assertThat(await(new Pruner(vertx, spool.pool(), new Queries(schema), retention).runOnce())).isEqualTo(10);
    assertThat(keptBetween(96, 72)).isEqualTo(10);
    assertThat(resultsBetween(96, 72)).isEqualTo(10);
  }

  @Test
  void aDetachWaitingForAReaderOfTheHistoryHoldsUpNoAckAndSucceedsAtALaterPass() throws Exception {
    String old = partition(-96, -72);
    kept(100, 84);
    SqlConnection reader = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())));
    try {
      await(reader.query("begin isolation level repeatable read").execute());
      assertThat(await(reader.query("select count(*) from " + schema + ".all_jobs").execute()).iterator().next()
          .getLong(0)).isEqualTo(100);
      DonePartitioner partitioner = partitioner(Duration.ofMillis(300));

      Future<Integer> pass = partitioner.runOnce();
      // an ack meanwhile moves its job into the history at once
      long id = sql("insert into {schema}.jobs (task, args, state, attempt, attempted_at, lease_owner, lease_expires_at)"
          + " values ('work', '\\x7b7d'::bytea, 'running', 1, now(), 'w', now() + interval '1 minute') returning id")
          .iterator().next().getLong(0);
      assertThat(await(spool.pool().preparedQuery(new Queries(schema).get("MarkCompleted"))
          .execute(Tuple.of(new Long[] {id}, new Integer[] {1}, "w"))).rowCount()).isEqualTo(1);
      assertThat(await(pass)).isZero(); // it gave up waiting for the reader
      assertThat(exists(old)).isTrue();
      assertThat(sql("select count(*) from {schema}.jobs_done where id = $1", id).iterator().next().getLong(0))
          .isEqualTo(1);

      await(reader.query("commit").execute());
      assertThat(await(partitioner.runOnce())).isEqualTo(1);
      assertThat(exists(old)).isFalse();
    } finally {
      await(reader.close());
    }
  }

  @Test
  void partitionsCoverAQuarterOfTheWindowBetweenAnHourAndADay() {
    assertThat(DonePartitioner.Config.periodFor(null)).isEqualTo(Duration.ofDays(1));
    assertThat(DonePartitioner.Config.periodFor(Duration.ofDays(7))).isEqualTo(Duration.ofDays(1));
    assertThat(DonePartitioner.Config.periodFor(Duration.ofDays(1))).isEqualTo(Duration.ofHours(6));
    assertThat(DonePartitioner.Config.periodFor(Duration.ofHours(10))).isEqualTo(Duration.ofHours(2));
    assertThat(DonePartitioner.Config.periodFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofHours(1));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DonePartitioner.Config(Duration.ofSeconds(1),
        Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least a minute");
  }
}
