package dev.spool.impl.sql;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.MigrateOptions;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A migration behind a long transaction: another session reads the jobs table in a transaction it keeps
 * open, and a migration needs ACCESS EXCLUSIVE on it (the test's V900 adds a column). Without a lock timeout
 * the migration would queue for the lock and every enqueue would queue behind it until the reader commits.
 */
class MigrationLocksTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  /** How long the reader keeps its transaction open while enqueues go on. */
  static final long HELD_MS = 3_000;

  private final List<String> notes = new CopyOnWriteArrayList<>();

  private Migrator withProbeColumn() {
    List<Migrations.Migration> migrations = new ArrayList<>(Migrations.known());
    migrations.add(Migrations.read("dev/spool/sql/testmigrations/V900__probe_column.sql"));
    return new Migrator(new Queries(schema), null, Migrator.DEFAULT_MAX_PAYLOAD_BYTES, migrations);
  }

  /** A session that reads the jobs table in a transaction it keeps open (ACCESS SHARE until it ends). */
  private SqlConnection longReader() {
    SqlConnection reader = await(spool.pool().getConnection());
    await(reader.query("begin").execute());
    await(reader.query("select count(*) from " + schema + ".jobs").execute());
    return reader;
  }

  private boolean hasProbeColumn() {
    return sql("select count(*) from information_schema.columns where table_schema = $1 and table_name = 'jobs' "
        + "and column_name = 'probe'", schema).iterator().next().getLong(0) == 1;
  }

  @Test
  void aMigrationBehindALongTransactionRetriesWithoutHoldingUpEnqueuesAndSucceedsOnceTheLockIsFree() {
    await(spool.client().enqueue(WORK, new JsonObject())); // the client's schema check, done before the test
    SqlConnection reader = longReader();
    Future<List<Integer>> migrated = withProbeColumn().migrate(vertx, spool.pool(), new MigrateOptions()
        .setLockTimeout(Duration.ofMillis(200)).setLockAttempts(30).setRetryBackoff(Duration.ofMillis(100))
        .setMaxRetryBackoff(Duration.ofMillis(400)).setOnRetry(notes::add));

    long longestEnqueueMs = 0;
    int enqueued = 0;
    long until = System.nanoTime() + HELD_MS * 1_000_000;
    while (System.nanoTime() < until) {
      long start = System.nanoTime();
      await(spool.client().enqueue(WORK, new JsonObject()));
      longestEnqueueMs = Math.max(longestEnqueueMs, (System.nanoTime() - start) / 1_000_000);
      enqueued++;
    }
    System.out.printf("migration behind a %d ms transaction: %d enqueues, the longest %d ms%n", HELD_MS, enqueued,
        longestEnqueueMs);
    assertThat(migrated.isComplete()).as("the migration waits while the reader's transaction is open").isFalse();
    await(reader.query("commit").execute());
    await(reader.close());

    assertThat(await(migrated)).containsExactly(900);
    assertThat(hasProbeColumn()).isTrue();
    assertThat(notes).isNotEmpty();
    assertThat(notes.get(0)).isEqualTo("migrate: attempt 1 of 30 waited more than 200 ms for a lock while applying "
        + "V900 probe_column (another transaction holds a conflicting one); rolled back, retrying in 100 ms");
    // Queued behind the migration's lock request, an enqueue would have waited for the reader: HELD_MS. Each
    // attempt holds the queue for one lock timeout at most.
    assertThat(longestEnqueueMs).as("longest enqueue of %d while the reader held its lock", enqueued)
        .isLessThan(HELD_MS / 2);
    assertThat(count("true")).isEqualTo(enqueued + 1);
  }

  @Test
  void aMigrationThatNeverGetsItsLockFailsClearlyAfterItsRetriesAndChangesNothing() {
    SqlConnection reader = longReader();
    try {
      assertThatThrownBy(() -> await(withProbeColumn().migrate(vertx, spool.pool(), new MigrateOptions()
          .setLockTimeout(Duration.ofMillis(100)).setLockAttempts(3).setRetryBackoff(Duration.ofMillis(50))
          .setOnRetry(notes::add))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("migrate gave up after 3 attempts, each waiting more than 100 ms (lock_timeout) for a lock while "
              + "applying V900 probe_column: another transaction holds a conflicting lock (see pg_locks and "
              + "pg_stat_activity); nothing was changed");
      assertThat(notes).hasSize(2);
      assertThat(notes.get(1)).contains("attempt 2 of 3").endsWith("retrying in 100 ms");
      assertThat(hasProbeColumn()).isFalse();
      assertThat(sql("select count(*) from {schema}.schema_version where version = 900").iterator().next().getLong(0))
          .isZero();
    } finally {
      await(reader.query("rollback").execute());
      await(reader.close());
    }
  }
}
