package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spool.impl.sql.Migrations;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Enqueues on a plain JDBC connection: the job exists if and only if the caller's transaction commits. */
class JdbcJobClientTest extends SpoolTestBase {

  private static final Task<JsonObject> RECEIPT = Task.json("receipt");

  private static Connection connect() throws SQLException {
    URI uri = URI.create(TestDatabase.uri());
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    String password = uri.getUserInfo() != null && uri.getUserInfo().contains(":") ? uri.getUserInfo().split(":", 2)[1] : null;
    Connection c = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        user, password);
    c.setAutoCommit(false);
    return c;
  }

  @Test
  void aJobCommitsAndRollsBackWithTheCallersTransaction() throws SQLException {
    JdbcJobClient jdbc = spool.jdbcClient();
    try (Connection c = connect()) {
      long kept = jdbc.enqueue(c, RECEIPT, new JsonObject().put("order", 1), new EnqueueOptions().setPriority(3));
      assertThat(count("id = $1", kept)).as("invisible before commit").isZero();
      c.commit();
      long dropped = jdbc.enqueue(c, "receipt", new JsonObject().put("order", 2));
      c.rollback();
      assertThat(count("id = $1 and priority = 3 and state = 'available'", kept)).isEqualTo(1);
      assertThat(count("id = $1", dropped)).isZero();
    }
  }

  @Test
  void batchesKeysUniqueKeysAndWorkflowsAreTheVertxClientsToo() throws SQLException {
    JdbcJobClient jdbc = spool.jdbcClient();
    try (Connection c = connect()) {
      List<Long> ids = jdbc.enqueueBatch(c, RECEIPT, List.of(new JsonObject().put("n", 1), new JsonObject().put("n", 2)),
          new EnqueueOptions().setQueue("tenants").setKey("acme").setDelay(Duration.ofHours(1))
              .setTimeout(Duration.ofSeconds(9)).setSoftTimeout(Duration.ofSeconds(5)));
      long first = jdbc.enqueue(c, RECEIPT, new JsonObject(), new EnqueueOptions().setUniqueKey("once"));
      long second = jdbc.enqueue(c, RECEIPT, new JsonObject(), new EnqueueOptions().setUniqueKey("once"));
      WorkflowRun run = jdbc.enqueueWorkflow(c, Workflow.named("ship")
          .step("pack", RECEIPT, new JsonObject())
          .step("send", RECEIPT, new JsonObject(), new StepOptions().dependsOn("pack")));
      c.commit();
      assertThat(ids).hasSize(2);
      assertThat(count("queue = 'tenants' and key = 'acme' and run_at > now() + interval '50 minutes'"
          + " and timeout_ms = 9000 and soft_timeout_ms = 5000")).isEqualTo(2);
      assertThat(second).isEqualTo(first);
      assertThat(await(spool.client().find(run.id("send"))).orElseThrow().state()).isEqualTo(JobState.WAITING);
      assertThat(await(spool.client().find(run.id("pack"))).orElseThrow().state()).isEqualTo(JobState.AVAILABLE);
    }
  }

  /**
   * A batch sends a column that every job shares as one value (EnqueueParams.batchColumns): a batch whose jobs
   * differ in each column, or only some, stores each job's own options, in order, through either client.
   */
  @Test
  void aMixedBatchStoresEachJobsOwnOptionsInOrderOnBothClients() throws SQLException {
    Task<JsonObject> other = Task.json("other");
    Instant at = Instant.parse("2031-01-02T03:04:05.678Z");
    List<JobRequest<?>> mixed = List.of(
        new JobRequest<>(RECEIPT, new JsonObject().put("n", 0), new EnqueueOptions()),
        new JobRequest<>(other, new JsonObject().put("n", 1), new EnqueueOptions().setQueue("q1").setPriority(-5)
            .setMaxAttempts(3).setTimeout(Duration.ofSeconds(9)).setSoftTimeout(Duration.ofSeconds(5))),
        new JobRequest<>(RECEIPT, new JsonObject().put("n", 2), new EnqueueOptions().setRunAt(at).setKey("acme")),
        new JobRequest<>(RECEIPT, new JsonObject().put("n", 3), new EnqueueOptions().setDelay(Duration.ofHours(1))));
    List<JobRequest<?>> sameButArgs = List.of(
        new JobRequest<>(other, new JsonObject().put("n", 4), new EnqueueOptions().setQueue("q2").setKey("k")),
        new JobRequest<>(other, new JsonObject().put("n", 5), new EnqueueOptions().setQueue("q2").setKey("k")));
    List<Long> ids = new ArrayList<>();
    try (Connection c = connect()) {
      ids.addAll(spool.jdbcClient().enqueueAll(c, mixed));
      ids.addAll(spool.jdbcClient().enqueueAll(c, sameButArgs));
      c.commit();
    }
    ids.addAll(await(spool.client().enqueueAll(mixed)));
    ids.addAll(await(spool.client().enqueueAll(sameButArgs)));
    List<String> expected = List.of(
        "receipt {\"n\":0} default 0 20 null null null now",
        "other {\"n\":1} q1 -5 3 9000 5000 null now",
        "receipt {\"n\":2} default 0 20 null null acme 2031-01-02T03:04:05.678Z",
        "receipt {\"n\":3} default 0 20 null null null in an hour",
        "other {\"n\":4} q2 0 20 null null k now",
        "other {\"n\":5} q2 0 20 null null k now");
    List<String> stored = new ArrayList<>();
    for (Row row : sql("select task, convert_from(args, 'UTF8') as args, queue, priority, max_attempts, timeout_ms,"
        + " soft_timeout_ms, key, case when run_at <= now() then 'now'"
        + " when run_at between now() + interval '50 minutes' and now() + interval '70 minutes' then 'in an hour'"
        + " else to_char(run_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') end as due"
        + " from {schema}.jobs where id = any($1) order by array_position($1, id)", (Object) ids.toArray(new Long[0]))) {
      stored.add(String.join(" ", row.getString("task"), row.getString("args"), row.getString("queue"),
          String.valueOf(row.getShort("priority")), String.valueOf(row.getInteger("max_attempts")),
          String.valueOf(row.getInteger("timeout_ms")), String.valueOf(row.getInteger("soft_timeout_ms")),
          String.valueOf(row.getString("key")), row.getString("due")));
    }
    List<String> twice = new ArrayList<>(expected);
    twice.addAll(expected);
    assertThat(stored).as("the JDBC client's jobs, then the Vert.x client's, in the order given").isEqualTo(twice);
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids.subList(0, 4)).isSorted();
  }

  @Test
  void anIncompatibleSchemaIsRefusedAsByTheVertxClientUntilMigrated() throws SQLException {
    int latest = Migrations.latest();
    sql("delete from {schema}.schema_version where version = $1", latest);
    JdbcJobClient jdbc = spool.jdbcClient();
    String vertxSays = catchThrowableOfType(() -> await(spool.client().enqueue(RECEIPT, new JsonObject())),
        SchemaVersionException.class).getMessage();
    try (Connection c = connect()) {
      assertThatThrownBy(() -> jdbc.enqueue(c, "receipt", new JsonObject())).isInstanceOf(SchemaVersionException.class)
          .hasMessage(vertxSays).hasMessageContaining("run `spool migrate`");
      assertThatThrownBy(() -> jdbc.enqueueBatch(c, RECEIPT, List.of(new JsonObject()), new EnqueueOptions()))
          .isInstanceOf(SchemaVersionException.class).hasMessage(vertxSays);
      assertThatThrownBy(() -> jdbc.enqueueWorkflow(c, Workflow.named("w").step("one", RECEIPT, new JsonObject())))
          .isInstanceOf(SchemaVersionException.class).hasMessage(vertxSays);
      c.commit();
      assertThat(count("true")).isZero();

      // migrated beyond this process's window: refused, saying to upgrade
      sql("insert into {schema}.schema_version (version, name, compatible_from) values ($1, 'back', $1), "
          + "($2, 'later_release', $2)", latest, latest + 1);
      assertThatThrownBy(() -> jdbc.enqueue(c, "receipt", new JsonObject())).isInstanceOf(SchemaVersionException.class)
          .hasMessageContaining("upgrade it");
      c.rollback();

      // back in the window: the same client enqueues at once, without a restart
      sql("delete from {schema}.schema_version where version = $1", latest + 1);
      long id = jdbc.enqueue(c, "receipt", new JsonObject());
      c.commit();
      assertThat(count("id = $1", id)).isEqualTo(1);
    }
    JdbcJobClient nowhere = newSpool(vertx, new SpoolOptions().setSchema(schema + "_none")).jdbcClient();
    try (Connection c = connect()) {
      assertThatThrownBy(() -> nowhere.enqueue(c, "receipt", new JsonObject())).isInstanceOf(SchemaVersionException.class)
          .hasMessage("schema " + schema + "_none has no Spool tables: run `spool migrate` (or Spool.migrate()) first");
      c.rollback();
    }
  }

  @Test
  void refusedOptionsAreRefusedBeforeTheDatabaseIsAsked() throws SQLException {
    JdbcJobClient jdbc = spool.jdbcClient();
    try (Connection c = connect()) {
      assertThatThrownBy(() -> jdbc.enqueueAll(c, List.of(new JobRequest<>(RECEIPT, new JsonObject(),
          new EnqueueOptions().setUniqueKey("k"))))).hasMessageContaining("does not take unique keys");
      c.commit(); // nothing was sent, so the transaction is still good
    }
  }
}
