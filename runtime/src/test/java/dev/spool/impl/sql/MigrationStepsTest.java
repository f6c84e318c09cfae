package dev.spool.impl.sql;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.MigrateOptions;
import dev.spool.MigrationPlan;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Steps that run outside the migration's transaction (the test's V902: a column, then a unique index built
 * concurrently): a build that fails leaves its migration unrecorded and is finished by the next migrate, and a build
 * behind a long transaction lets enqueues go on while it retries.
 */
class MigrationStepsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final long HELD_MS = 3_000;

  private final List<String> notes = new CopyOnWriteArrayList<>();

  private static List<Migrations.Migration> withConcurrentBuild() {
    List<Migrations.Migration> migrations = new ArrayList<>(Migrations.known());
    migrations.add(Migrations.read("dev/spool/sql/testmigrations/V902__probe_concurrent.sql"));
    return migrations;
  }

  private Future<List<Integer>> migrate(MigrateOptions options) {
    return new Migrator(new Queries(schema), null, Migrator.DEFAULT_MAX_PAYLOAD_BYTES, withConcurrentBuild())
        .migrate(vertx, spool.pool(), options);
  }

  /** The index's pg_index.indisvalid, or null when there is no such index. */
  private Boolean indexValid() {
    var rows = sql("select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid "
        + "join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = 'jobs_probe_unique'", schema);
    return rows.size() == 0 ? null : rows.iterator().next().getBoolean(0);
  }

  private long recorded(String table) {
    return sql("select count(*) from {schema}." + table + " where version = 902").iterator().next().getLong(0);
  }

  @Test
  void aFailedConcurrentBuildLeavesTheMigrationUnrecordedAndTheNextMigrateBuildsItAgain() {
    sql("insert into {schema}.jobs (queue, task, args) values ('probe-unique', 't', '\\x00'), ('probe-unique', 't', '\\x00')");

    assertThatThrownBy(() -> await(migrate(new MigrateOptions())))
        .isInstanceOf(PgException.class).hasMessageContaining("could not create unique index \"jobs_probe_unique\"");
    assertThat(sql("select count(*) from information_schema.columns where table_schema = $1 and column_name = "
        + "'probe_note'", schema).iterator().next().getLong(0)).as("the transaction committed").isEqualTo(1);
    assertThat(indexValid()).as("the failed build's index").isFalse();
    assertThat(recorded("schema_version")).isZero();
    assertThat(recorded("schema_version_partial")).isEqualTo(1);

    MigrationPlan plan = await(new MigrationPlanner(new Queries(schema), withConcurrentBuild()).plan(spool.pool()));
    assertThat(plan.steps()).singleElement().satisfies(step -> assertThat(step.statements()).as("only what is left")
        .singleElement().satisfies(s -> {
          assertThat(s.lock()).isEqualTo("SHARE UPDATE EXCLUSIVE");
          assertThat(s.blocks()).startsWith("no enqueue or claim");
          assertThat(s.work()).isEqualTo("concurrent index build");
        }));

    sql("delete from {schema}.jobs where id = (select max(id) from {schema}.jobs where queue = 'probe-unique')");
    // the column is not added twice (that would fail): only the build runs again
    assertThat(await(migrate(new MigrateOptions()))).containsExactly(902);
    assertThat(indexValid()).isTrue();
    assertThat(recorded("schema_version")).isEqualTo(1);
    assertThat(recorded("schema_version_partial")).isZero();
    assertThat(await(migrate(new MigrateOptions()))).isEmpty();
  }

  @Test
  void twoMigratorsAtOnceBuildTheIndexOnceAsTheLockHoldsUntilTheLastStep() {
    sql("insert into {schema}.jobs (queue, task, args) select 'default', 'work', '\\x00'::bytea from generate_series(1, 20000)");
    List<List<Integer>> applied = await(Future.all(migrate(new MigrateOptions()),
        new Migrator(new Queries(schema), null, Migrator.DEFAULT_MAX_PAYLOAD_BYTES, withConcurrentBuild())
            .migrate(otherVertx(), spool.pool(), new MigrateOptions()))).list();
    // the second waited on the advisory lock through the first's build, then found nothing to do
    assertThat(applied).containsExactlyInAnyOrder(List.of(902), List.of());
    assertThat(indexValid()).isTrue();
    assertThat(recorded("schema_version_partial")).isZero();
  }

  @Test
  void aConcurrentBuildBehindALongTransactionLetsEnqueuesGoOnAndRetriesUntilItIsDone() {
    await(spool.client().enqueue(WORK, new JsonObject())); // the client's schema check, done before the test
    // A repeatable-read reader keeps its snapshot: the build waits for it before it may call the index valid. It
    // reads another table, so the column's ACCESS EXCLUSIVE on jobs, in the transaction, is granted at once.
    SqlConnection reader = await(spool.pool().getConnection());
    await(reader.query("begin isolation level repeatable read").execute());
    await(reader.query("select count(*) from " + schema + ".queues").execute());
    Future<List<Integer>> migrated = migrate(new MigrateOptions().setLockTimeout(Duration.ofMillis(200))
        .setLockAttempts(40).setRetryBackoff(Duration.ofMillis(100)).setMaxRetryBackoff(Duration.ofMillis(400))
        .setOnRetry(notes::add));

    long longestEnqueueMs = 0;
    int enqueued = 0;
    long until = System.nanoTime() + HELD_MS * 1_000_000;
    while (System.nanoTime() < until) {
      long start = System.nanoTime();
      await(spool.client().enqueue(WORK, new JsonObject()));
      longestEnqueueMs = Math.max(longestEnqueueMs, (System.nanoTime() - start) / 1_000_000);
      enqueued++;
    }
    assertThat(migrated.isComplete()).as("the build waits while the reader's snapshot is open").isFalse();
    await(reader.query("commit").execute());
    await(reader.close());

    assertThat(await(migrated)).containsExactly(902);
    assertThat(indexValid()).isTrue();
    assertThat(notes).isNotEmpty();
    assertThat(notes.get(0)).startsWith("migrate: attempt 1 of 40 waited more than 200 ms for a lock while applying "
        + "V902 probe_concurrent outside a transaction (building index jobs_probe_unique concurrently)")
        .endsWith("stopped, retrying in 100 ms");
    assertThat(longestEnqueueMs).as("longest enqueue of %d during the build", enqueued).isLessThan(500);
    assertThat(count("true")).isEqualTo(enqueued + 1);
  }
}
