package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.impl.sql.Migrations;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The schema version guard, old and new processes played by editing what the test schema records: a
 * version recorded beyond this build's newest migration is a migration of a later release, with the window
 * it declares; a version removed is a migration this build has and the schema lacks.
 */
class SchemaGuardTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int LATEST = Migrations.latest();

  private JobHandlers handlers() {
    return new JobHandlers().register(WORK, (args, ctx) -> Future.succeededFuture());
  }

  /** Records a migration of a later release that declares runtimes from {@code compatibleFrom} on compatible. */
  private void newerReleaseMigrated(int compatibleFrom) {
    sql("insert into {schema}.schema_version (version, name, compatible_from) values ($1, 'later_release', $2)",
        LATEST + 1, compatibleFrom);
  }

  @Test
  void aProcessNewerThanTheSchemaRefusesToStartAndEnqueueUntilMigrated() {
    sql("delete from {schema}.schema_version where version = $1", LATEST);

    assertThatThrownBy(() -> await(vertx.deployVerticle(spool.worker(fastLiveness(), handlers()))))
        .isInstanceOf(SchemaVersionException.class)
        .hasMessage("schema " + schema + " is at version " + (LATEST - 1) + ", older than this Spool's " + LATEST
            + ": run `spool migrate` (or Spool.migrate()) first, or let the worker migrate at start (worker.migrate: true)");
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0))
        .as("a refused worker registers nothing").isZero();
    assertThatThrownBy(() -> await(spool.client().enqueue(WORK, new JsonObject())))
        .isInstanceOf(SchemaVersionException.class).hasMessageContaining("run `spool migrate`");
    assertThat(count("true")).isZero();

    // what migrate records; the same client enqueues at once, without a restart
    sql("insert into {schema}.schema_version (version, name, compatible_from) values ($1, 'back', $1)", LATEST);
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    await(vertx.deployVerticle(spool.worker(fastLiveness(), handlers())));
    eventually(WAIT, () -> count("id = $1", id) == 0);
  }

  @Test
  void aProcessFindingNoSchemaSaysToMigrate() {
    Spool elsewhere = newSpool(vertx, new SpoolOptions().setSchema(schema + "_none"));
    assertThatThrownBy(() -> await(elsewhere.client().enqueue(WORK, new JsonObject())))
        .isInstanceOf(SchemaVersionException.class)
        .hasMessage("schema " + schema + "_none has no Spool tables: run `spool migrate` (or Spool.migrate()) first");
  }

  @Test
  void aWorkerOlderThanTheSchemaGoesOnWithinTheWindowTheNewerMigrationsDeclare() {
    newerReleaseMigrated(LATEST);

    await(vertx.deployVerticle(spool.worker(fastLiveness(), handlers())));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> count("id = $1", id) == 0);
  }

  @Test
  void aWorkerOlderThanTheWindowRefusesToStartAndEnqueue() {
    newerReleaseMigrated(LATEST + 1);

    assertThatThrownBy(() -> await(vertx.deployVerticle(spool.worker(fastLiveness(), handlers()))))
        .isInstanceOf(SchemaVersionException.class)
        .hasMessage("schema " + schema + " is at version " + (LATEST + 1) + ", which works with Spool runtimes of version "
            + (LATEST + 1) + " or later; this process is of version " + LATEST + ": upgrade it to a release of schema "
            + "version " + (LATEST + 1) + " or later")
        .satisfies(e -> {
          SchemaVersionException s = (SchemaVersionException) e;
          assertThat(s.runtimeVersion()).isEqualTo(LATEST);
          assertThat(s.schemaVersion()).isEqualTo(LATEST + 1);
          assertThat(s.compatibleFrom()).isEqualTo(LATEST + 1);
        });
    assertThatThrownBy(() -> await(spool.client().enqueue(WORK, new JsonObject())))
        .isInstanceOf(SchemaVersionException.class).hasMessageContaining("upgrade it");
  }

  @Test
  void aMigrationThatDeclaresNoWindowCountsAsIncompatible() {
    sql("insert into {schema}.schema_version (version, name) values ($1, 'undeclared')", LATEST + 1);
    assertThatThrownBy(() -> await(vertx.deployVerticle(spool.worker(fastLiveness(), handlers()))))
        .isInstanceOf(SchemaVersionException.class).hasMessageContaining("upgrade it");
  }

  @Test
  void aRunningWorkerStopsClaimingWhenTheSchemaLeavesItsWindow() {
    await(vertx.deployVerticle(spool.worker(fastLiveness().setSchemaCheckInterval(Duration.ofMillis(100)), handlers())));
    long before = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> count("id = $1", before) == 0);

    newerReleaseMigrated(LATEST + 1);
    sleep(1_000); // ten checks
    // This client read the schema before the migration, and trusts what it read for 30 s: it still enqueues.
    long after = await(spool.client().enqueue(WORK, new JsonObject()));
    sleep(1_000);
    assertThat(count("id = $1 and state = 'available'", after)).as("the worker claims nothing more").isEqualTo(1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
