package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
