package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.SpoolOptions;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Each test class has a schema of its own, and each test starts with none of the jobs the last one left. */
@SpoolTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolationTest {

  @Test
  @Order(1)
  void aTestEnqueues(SpoolTester spool) {
    result(spool.client().enqueue("left-behind", new JsonObject()));
    spool.advance(java.time.Duration.ofDays(1));
    assertThat(spool.allEnqueued()).hasSize(1);
  }

  @Test
  @Order(2)
  void theNextStartsEmptyAtRealTime(SpoolTester spool) {
    assertThat(spool.allEnqueued()).isEmpty();
    assertThat(spool.now()).isCloseTo(java.time.Instant.now(), org.assertj.core.api.Assertions.within(2,
        java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  @Order(3)
  void anotherClassesJobsAreNeverSeen(SpoolTester spool) {
    try (SpoolTester other = SpoolTester.start(DatabaseChoice.shared(SpoolExtension.DATABASE_ENV), new SpoolOptions())) {
      result(other.client().enqueue("elsewhere", new JsonObject()));

      assertThat(other.schema()).isNotEqualTo(spool.schema());
      assertThat(other.allEnqueued()).hasSize(1);
      assertThat(spool.allEnqueued()).isEmpty();
    }
  }
}
