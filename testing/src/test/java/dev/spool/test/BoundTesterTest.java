package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tester bound to a Spool the application built (as a Spring bean is): its schema, its pool, its time. */
class BoundTesterTest {

  private final String uri = DatabaseChoice.shared(SpoolExtension.DATABASE_ENV);
  private final String schema = "bt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final Vertx vertx = Vertx.vertx();
  private Spool spool;

  @AfterEach
  void dropSchema() {
    result(spool.pool().query("drop schema if exists " + schema + ", " + schema + "_clock cascade").execute());
    result(spool.close());
    result(vertx.close());
  }

  @Test
  void assertsDrainsAndAdvancesOnTheApplicationsSpoolAndLeavesItOpen() {
    spool = SpoolTester.useTestTime(Spool.builder(vertx).schema(schema), uri, schema).build();
    result(spool.migrate());
    SpoolTester tester = SpoolTester.of(spool);
    tester.register("ping", (args, ctx) -> Future.succeededFuture());

    result(spool.client().enqueue(Task.json("ping"), new JsonObject().put("n", 1),
        new EnqueueOptions().setDelay(Duration.ofMinutes(5))));
    tester.assertEnqueued("ping", new JsonObject().put("n", 1));
    assertThat(tester.drain("default").outcomes()).isEmpty();
    tester.advance(Duration.ofMinutes(6));
    assertThat(tester.drain("default").completed()).isEqualTo(1);
    tester.refuteEnqueued("ping");

    tester.close();
    // the Spool and its schema are its owner's: still open, its tables still there
    assertThat(result(spool.client().enqueue("ping", new JsonObject()))).isPositive();
  }

  @Test
  void advanceOnASpoolWithoutTestTimeSaysHowToGetIt() {
    spool = Spool.builder(vertx).connectingTo(uri).schema(schema).build();
    result(spool.migrate());
    SpoolTester tester = SpoolTester.of(spool);

    result(spool.client().enqueue("ping", new JsonObject()));
    tester.assertEnqueued("ping", new JsonObject());
    assertThatThrownBy(() -> tester.advance(Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SpoolTester.useTestTime");
    tester.reset();
    assertThat(tester.allEnqueued()).isEmpty();
    tester.close();
  }
}
