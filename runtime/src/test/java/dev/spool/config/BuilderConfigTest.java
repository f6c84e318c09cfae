package dev.spool.config;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.PeriodicJob;
import dev.spool.Spool;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An application configures its Spool from the same keys as the CLI's file, as JSON it read itself. */
class BuilderConfigTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void theBuilderTakesTheDatabaseOptionsAndPeriodicJobsOfAConfiguration() {
    JsonObject config = new JsonObject()
        .put("database", new JsonObject().put("url", TestDatabase.uri()).put("poolSize", 3))
        .put("schema", "from_config")
        .put("retention", new JsonObject().put("dead", "14d"))
        .put("periodic", new JsonArray().add(new JsonObject().put("name", "tick").put("every", "5s").put("task", "t")));

    Spool spool = Spool.builder(vertx).config(config).build();

    assertThat(spool.options().getSchema()).isEqualTo("from_config");
    assertThat(spool.options().getPoolSize()).isEqualTo(3);
    assertThat(spool.options().getRetention().getDead()).hasDays(14);
    assertThat(spool.periodicJobs()).extracting(PeriodicJob::name).containsExactly("tick");
    assertThat(await(spool.resolveConnectOptions()).getDatabase()).isNotBlank();
  }

  @Test
  void aBadKeyFailsTheBuilderNamingIt() {
    JsonObject config = new JsonObject().put("worker", new JsonObject().put("batchSize", 0));

    assertThatThrownBy(() -> Spool.builder(vertx).config(config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("worker.batchSize");
  }
}
