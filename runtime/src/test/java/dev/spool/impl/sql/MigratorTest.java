package dev.spool.impl.sql;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigratorTest extends SpoolTestBase {

  /** The first migration released with a compatibility window; those before it declare their own version. */
  static final int FIRST_WINDOWED = 16;

  @Test
  void recordsEveryAppliedVersion() {
    List<Integer> versions = sql("select version from {schema}.schema_version order by version").stream()
        .map(r -> r.getInteger(0)).toList();
    assertThat(versions).containsExactlyElementsOf(Migrations.known().stream().map(Migrations.Migration::version).toList());
  }

  @Test
  void recordsTheWindowEachMigrationDeclares() {
    List<List<Integer>> recorded = sql("select version, compatible_from from {schema}.schema_version order by version")
        .stream().map(r -> List.of(r.getInteger(0), r.getInteger(1))).toList();
    assertThat(recorded).containsExactlyElementsOf(Migrations.known().stream()
        .map(m -> List.of(m.version(), m.compatibleFrom())).toList());
  }

  @Test
  void everyMigrationDeclaresItsWindowAndWorksWithTheReleaseBeforeIt() {
    for (Migrations.Migration m : Migrations.known()) {
      assertThat(m.declared()).as("V%03d declares -- compatible-from: N", m.version()).isTrue();
      if (m.version() >= FIRST_WINDOWED) {
        assertThat(m.compatibleFrom()).as("V%03d works with runtimes of the schema before it", m.version())
            .isLessThan(m.version());
      }
    }
  }

  @Test
  void aSchemaMigratedBeforeWindowsGetsThemDeclared() {
    sql("alter table {schema}.schema_version drop column compatible_from");
    assertThat(await(new SchemaVersions(new Queries(schema)).check(spool.pool())).works())
        .as("the guard reads a schema without the column").isTrue();

    assertThat(await(spool.migrate())).isEmpty();
    assertThat(sql("select count(*) from {schema}.schema_version where compatible_from is null").iterator().next()
        .getLong(0)).isZero();
  }

  @Test
  void anOlderProcessLeavesANewerSchemaAsItIs() {
    sql("insert into {schema}.schema_version (version, name, compatible_from) values ($1, 'later', $1)",
        Migrations.latest() + 1);
    String functions = "select string_agg(p.proname || ':' || p.xmin, ',' order by p.proname) from pg_proc p "
        + "join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1";
    String before = sql(functions, schema).iterator().next().getString(0);
    sql("update {schema}.settings set value = '1' where name = 'max_payload_bytes'");

    assertThat(await(spool.migrate())).isEmpty();
    assertThat(sql(functions, schema).iterator().next().getString(0)).as("no function redefined").isEqualTo(before);
    assertThat(sql("select value from {schema}.settings where name = 'max_payload_bytes'").iterator().next()
        .getString(0)).as("no setting written").isEqualTo("1");
  }

  @Test
  void migratingAgainChangesNothing() {
    assertThat(await(spool.migrate())).isEmpty();
    assertThat(sql("select count(*) from {schema}.schema_version").iterator().next().getLong(0))
        .isEqualTo(Migrations.known().size());
  }

  @Test
  void twoProcessesMigratingAtOnceApplyEachVersionOnce() {
    String other = schema + "_x";
    Spool first = newSpool(vertx, new SpoolOptions().setSchema(other));
    Spool second = newSpool(otherVertx(), new SpoolOptions().setSchema(other));
    try {
      List<List<Integer>> applied = await(Future.all(first.migrate(), second.migrate())).list();
      // One of them did the work, the other waited on the lock and found nothing to do.
      assertThat(applied).extracting(List::size).containsExactlyInAnyOrder(Migrations.known().size(), 0);
      assertThat(await(first.pool().query("select count(*) from " + other + ".schema_version").execute())
          .iterator().next().getLong(0)).isEqualTo(Migrations.known().size());
    } finally {
      await(first.pool().query("drop schema " + other + " cascade").execute());
    }
  }
}
