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

  @Test
  void recordsEveryAppliedVersion() {
    List<Integer> versions = sql("select version from {schema}.schema_version order by version").stream()
        .map(r -> r.getInteger(0)).toList();
    assertThat(versions).containsExactlyElementsOf(Migrator.known().stream().map(Migrator.Migration::version).toList());
  }

  @Test
  void migratingAgainChangesNothing() {
    assertThat(await(spool.migrate())).isEmpty();
    assertThat(sql("select count(*) from {schema}.schema_version").iterator().next().getLong(0))
        .isEqualTo(Migrator.known().size());
  }

  @Test
  void twoProcessesMigratingAtOnceApplyEachVersionOnce() {
    String other = schema + "_x";
    Spool first = newSpool(vertx, new SpoolOptions().setSchema(other));
    Spool second = newSpool(otherVertx(), new SpoolOptions().setSchema(other));
    try {
      List<List<Integer>> applied = await(Future.all(first.migrate(), second.migrate())).list();
      // One of them did the work, the other waited on the lock and found nothing to do.
      assertThat(applied).extracting(List::size).containsExactlyInAnyOrder(Migrator.known().size(), 0);
      assertThat(await(first.pool().query("select count(*) from " + other + ".schema_version").execute())
          .iterator().next().getLong(0)).isEqualTo(Migrator.known().size());
    } finally {
      await(first.pool().query("drop schema " + other + " cascade").execute());
    }
  }
}
