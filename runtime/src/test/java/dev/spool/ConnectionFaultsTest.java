package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the connection as an operator's settings make them, on a role of the test's own (its settings,
 * ALTER ROLE, go with it when it is dropped): connections refused (the role's connection limit stands for
 * the server's max_connections; both are SQLSTATE 53300), and a statement_timeout set for the role far
 * shorter than Spool's statements. Rows are counted on the test's superuser connection, which no role setting
 * touches.
 */
class ConnectionFaultsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String ROLE = "spool_fault_" + UUID.randomUUID().toString().substring(0, 8);

  private static Vertx adminVertx;
  private static Pool admin;

  @BeforeAll
  static void createRole() {
    adminVertx = Vertx.vertx();
    admin = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(PgConnectOptions.fromUri(TestDatabase.uri()))
        .using(adminVertx).build();
    String database = PgConnectOptions.fromUri(TestDatabase.uri()).getDatabase();
    asAdmin("create role " + ROLE + " login");
    asAdmin("grant create on database " + database + " to " + ROLE);
  }

  @AfterAll
  static void dropRole() {
    asAdmin("drop owned by " + ROLE);
    asAdmin("drop role " + ROLE);
    await(adminVertx.close());
  }

  static void asAdmin(String sql) {
    await(admin.query(sql).execute());
  }

  @Override
  protected Spool newSpool(Vertx on, SpoolOptions options) {
    return Spool.builder(on).connectingTo(PgConnectOptions.fromUri(TestDatabase.uri()).setUser(ROLE)).options(options)
        .build();
  }

  private long jobsLeft() {
    return await(admin.query("select count(*) from " + schema + ".jobs").execute()).iterator().next().getLong(0);
  }

  private long roleConnections() {
    return await(admin.query("select count(*) from pg_stat_activity where usename = '" + ROLE + "'").execute())
        .iterator().next().getLong(0);
  }

  @Test
  void connectionsRefusedWhileWorkersRun() {
    await(vertx.deployVerticle(spool.worker(fastLiveness(), new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()))));
    await(spool.client().enqueueBatch(WORK, Collections.nCopies(100, new JsonObject()), new EnqueueOptions()));
    eventually(WAIT, () -> jobsLeft() == 0);

    asAdmin("alter role " + ROLE + " connection limit " + roleConnections());
    try {
      Spool newcomer = newSpool(otherVertx(), new SpoolOptions().setSchema(schema));
      assertThatThrownBy(() -> await(newcomer.client().enqueue(WORK, new JsonObject())))
          .hasMessageContaining("too many connections");
      // the running worker keeps its connections and goes on
      await(spool.client().enqueueBatch(WORK, Collections.nCopies(100, new JsonObject()), new EnqueueOptions()));
      eventually(WAIT, () -> jobsLeft() == 0);
    } finally {
      asAdmin("alter role " + ROLE + " connection limit -1");
    }
    Spool later = newSpool(otherVertx(), new SpoolOptions().setSchema(schema));
    await(later.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> jobsLeft() == 0);
  }

  @Test
  void aStatementTimeoutOfTheRoleShorterThanSpoolsStatementsStallsNoWorker() {
    // 300 jobs of 200 KB: a claim of a batch of them takes far longer than 1 ms
    asAdmin("insert into " + schema + ".jobs (queue, task, args) select 'default', 'work', "
        + "convert_to('{\"p\":\"' || repeat('x', 200000) || '\"}', 'UTF8') from generate_series(1, 300)");
    asAdmin("alter role " + ROLE + " set statement_timeout = '1ms'");
    try {
      // The default liveness: with fastLiveness's 1 s worker timeout, a claim of 60 MB (seconds here) outlasted the
      // heartbeats' confirmation now and then, and the worker handed its 300 jobs back and claimed them again until the
      // wait ran out. That is liveness under huge claims, not the role's timeout this test is about.
      await(vertx.deployVerticle(spool.worker(new WorkerOptions(), new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()))));
      eventually(WAIT, () -> jobsLeft() == 0);

      // a migration of a new schema: sixteen scripts, each far longer than 1 ms
      Spool migrating = newSpool(otherVertx(), new SpoolOptions().setSchema(schema + "_m"));
      assertThat(await(migrating.migrate())).isNotEmpty();
    } finally {
      asAdmin("drop schema if exists " + schema + "_m cascade");
      asAdmin("alter role " + ROLE + " reset statement_timeout");
    }
  }

  /**
   * A primary demoted and promoted again, as far as Spool sees it: its sessions end (the server restarts) and
   * the new ones are read-only (the role's default_transaction_read_only), then they end again and the new ones
   * are writable.
   */
  @Test
  void aDatabaseSwitchedToReadOnlyAndBackLosesNothing() {
    await(vertx.deployVerticle(spool.worker(fastLiveness(), new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()))));
    await(spool.client().enqueueBatch(WORK, Collections.nCopies(50, new JsonObject()), new EnqueueOptions()));
    eventually(WAIT, () -> jobsLeft() == 0);

    asAdmin("alter role " + ROLE + " set default_transaction_read_only = on");
    Spool newcomer;
    try {
      endRoleSessions();
      newcomer = newSpool(otherVertx(), new SpoolOptions().setSchema(schema));
      assertThatThrownBy(() -> await(newcomer.client().enqueue(WORK, new JsonObject())))
          .hasMessageContaining("cannot execute").hasMessageContaining("in a read-only transaction");
      asAdmin("insert into " + schema + ".jobs (queue, task, args) select 'default', 'work', '{}'::bytea "
          + "from generate_series(1, 50)");
      sleepMs(2_000);
      assertThat(jobsLeft()).as("nothing claimed from a read-only database, nothing lost").isEqualTo(50);
    } finally {
      asAdmin("alter role " + ROLE + " reset default_transaction_read_only");
    }
    endRoleSessions();
    eventually(WAIT, () -> jobsLeft() == 0);
    await(newcomer.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> jobsLeft() == 0);
  }

  private void endRoleSessions() {
    asAdmin("select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + ROLE + "'");
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
