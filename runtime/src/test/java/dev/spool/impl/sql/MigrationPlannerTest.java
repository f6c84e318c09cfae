package dev.spool.impl.sql;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.MigrationPlan;
import dev.spool.SchemaStatus;
import dev.spool.testing.SpoolTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code migrate --status} and {@code --dry-run} as the runtime answers them, on the test's schema. */
class MigrationPlannerTest extends SpoolTestBase {

  static final int LATEST = Migrations.latest();

  /** This build's migrations and the test's two (a column, then a rewrite and index builds). */
  static List<Migrations.Migration> withTestMigrations() {
    List<Migrations.Migration> all = new ArrayList<>(Migrations.known());
    all.add(Migrations.read("dev/spool/sql/testmigrations/V900__probe_column.sql"));
    all.add(Migrations.read("dev/spool/sql/testmigrations/V901__probe_rewrite.sql"));
    return all;
  }

  @Test
  void statusListsAppliedAndPendingMigrationsAndTheWindow() {
    SchemaStatus current = await(spool.schemaStatus());
    assertThat(current.schemaVersion()).isEqualTo(LATEST);
    assertThat(current.runtimeVersion()).isEqualTo(LATEST);
    assertThat(current.pending()).isEmpty();
    assertThat(current.applied()).extracting(SchemaStatus.Migration::version)
        .containsExactlyElementsOf(Migrations.known().stream().map(Migrations.Migration::version).toList());
    assertThat(current.applied()).allSatisfy(m -> assertThat(m.appliedAt()).isNotNull());
    assertThat(current.oldestCompatibleRuntime())
        .isEqualTo(Migrations.known().stream().mapToInt(Migrations.Migration::compatibleFrom).max().orElseThrow());
    assertThat(current.runtimeWorks()).isTrue();

    sql("delete from {schema}.schema_version where version = $1", LATEST);
    SchemaStatus behind = await(spool.schemaStatus());
    assertThat(behind.schemaVersion()).isEqualTo(LATEST - 1);
    assertThat(behind.pending()).extracting(SchemaStatus.Migration::version).containsExactly(LATEST);
    assertThat(behind.pending().get(0).appliedAt()).isNull();
    assertThat(behind.runtimeWorks()).isFalse();
    assertThat(behind.verdict()).contains("run `spool migrate`");
  }

  @Test
  void statusOfASchemaWithoutTablesListsEverythingPending() {
    SchemaStatus none = await(newSpool(vertx, spool.options().setSchema(schema + "_none")).schemaStatus());
    assertThat(none.schemaVersion()).isZero();
    assertThat(none.applied()).isEmpty();
    assertThat(none.pending()).hasSize(Migrations.known().size());
    assertThat(none.verdict()).contains("has no Spool tables");
  }

  @Test
  void dryRunShowsEachStatementsLockAndEstimateOnTheTablesAsTheyAreAndChangesNothing() {
    sql("insert into {schema}.jobs (queue, task, args) select 'default', 'work', '\\x00'::bytea from generate_series(1, 20000)");
    sql("analyze {schema}.jobs");
    long bytes = sql("select pg_relation_size('{schema}.jobs')").iterator().next().getLong(0);

    MigrationPlan plan = await(new MigrationPlanner(new Queries(schema), withTestMigrations()).plan(spool.pool()));

    assertThat(plan.fromVersion()).isEqualTo(LATEST);
    assertThat(plan.toVersion()).isEqualTo(901);
    assertThat(plan.steps()).extracting(MigrationPlan.Step::version).containsExactly(900, 901);
    MigrationPlan.Step column = plan.steps().get(0);
    assertThat(column.lock()).isEqualTo("ACCESS EXCLUSIVE");
    assertThat(column.sql()).contains("alter table " + schema + ".jobs add column probe integer;");
    assertThat(column.statements()).singleElement().satisfies(s -> {
      assertThat(s.table()).isEqualTo(schema + ".jobs");
      assertThat(s.work()).isEqualTo("catalog");
      assertThat(s.blocks()).isEqualTo("everything: reads, enqueue, claim and ack wait");
      assertThat(s.rows()).isEqualTo(20000);
      assertThat(s.bytes()).isEqualTo(bytes);
      assertThat(s.estimate()).isEqualTo(Duration.ZERO);
    });

    List<MigrationPlan.Statement> rewrite = plan.steps().get(1).statements();
    assertThat(rewrite).extracting(MigrationPlan.Statement::lock)
        .containsExactly("ACCESS EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE", "not derived");
    assertThat(rewrite).extracting(MigrationPlan.Statement::work)
        .containsExactly("rewrite", "index build", "concurrent index build", "catalog");
    // the stated rates: a rewrite at 10 MB/s, an index build at 20 MB/s of the table's heap
    assertThat(rewrite.get(0).estimate()).isEqualTo(Duration.ofMillis(bytes * 1000 / (10 << 20)));
    assertThat(rewrite.get(1).estimate()).isEqualTo(Duration.ofMillis(bytes * 1000 / (20 << 20)));
    assertThat(rewrite.get(2).blocks()).startsWith("no enqueue or claim");
    assertThat(plan.steps().get(1).lock()).as("a DO block's locks are not derived").isEqualTo("not derived");
    assertThat(plan.basis()).contains("rewrite 10 MB/s").contains("index build 20 MB/s");

    assertThat(sql("select max(version) from {schema}.schema_version").iterator().next().getInteger(0)).isEqualTo(LATEST);
    assertThat(sql("select count(*) from information_schema.columns where table_schema = $1 and column_name like 'probe%'",
        schema).iterator().next().getLong(0)).isZero();
  }

  @Test
  void dryRunOfAnUpToDateSchemaHasNoSteps() {
    MigrationPlan plan = await(spool.migrationPlan());
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.fromVersion()).isEqualTo(LATEST);
    assertThat(plan.toVersion()).isEqualTo(LATEST);
  }
}
