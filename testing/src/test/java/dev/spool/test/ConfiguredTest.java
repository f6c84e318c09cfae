package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A test class's Spool takes the options and periodic jobs of the configuration file its annotation names. */
@SpoolTest(config = "src/test/resources/spool-test-config.json")
class ConfiguredTest {

  @Test
  void theFilesOptionsAndPeriodicJobsApply(SpoolTester spool) {
    spool.register("digest", (args, ctx) -> Future.succeededFuture());
    assertThat(spool.spool().options().keepsCompletedJobs()).isTrue();

    spool.advance(Duration.ofHours(1));
    EnqueuedJob digest = spool.assertEnqueued(JobMatch.task("digest").args(new JsonObject().put("kind", "hourly"))
        .queue("digests"));
    spool.drain("digests");

    assertThat(result(spool.client().find(digest.id())).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }
}
