package dev.spool.examples.pipeline;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.WorkflowRun;
import dev.spool.spi.JsonValueCodec;
import dev.spool.test.DrainOptions;
import dev.spool.test.DrainResult;
import dev.spool.test.JobMatch;
import dev.spool.test.JobOutcome;
import dev.spool.test.PerformOptions;
import dev.spool.test.SpoolTest;
import dev.spool.test.SpoolTester;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline's workflow and its fan-in, run by the test kit: no HTTP, no workers, no awaiting. */
@SpoolTest
class PipelineWorkflowTest {

  @BeforeAll
  static void handlers(SpoolTester spool) {
    spool.registerAll(PipelineExample.handlers(spool.vertx()));
  }

  @Test
  void theIndexWaitsForEveryFetchAndIndexesThoseThatWorked(SpoolTester spool) {
    WorkflowRun run = await(spool.client().enqueueWorkflow(PipelineExample.workflow(
        List.of("https://a.example/red/fox", "https://b.example/broken", "https://c.example/red/hen"))));
    spool.assertEnqueued(JobMatch.task(PipelineExample.BUILD_INDEX)
        .parents(run.id("fetch-1"), run.id("fetch-2"), run.id("fetch-3")));

    DrainResult drained = spool.drainAll(DrainOptions.untilIdle());

    assertThat(drained.outcomes()).extracting(JobOutcome::task, JobOutcome::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("fetch-page", JobOutcome.Kind.COMPLETED),
        org.assertj.core.groups.Tuple.tuple("fetch-page", JobOutcome.Kind.DEAD),
        org.assertj.core.groups.Tuple.tuple("fetch-page", JobOutcome.Kind.COMPLETED),
        org.assertj.core.groups.Tuple.tuple("build-index", JobOutcome.Kind.COMPLETED));
    JsonObject index = (JsonObject) drained.of("build-index").get(0).result();
    assertThat(index.getInteger("pages")).isEqualTo(2);
    assertThat(index.getJsonArray("failed").getJsonObject(0).getString("step")).isEqualTo("fetch-2");
    assertThat(index.getJsonObject("index").getJsonArray("red"))
        .isEqualTo(new JsonArray().add("https://a.example/red/fox").add("https://c.example/red/hen"));
  }

  @Test
  void theIndexStepAloneReadsTheParentsItIsGiven(SpoolTester spool) {
    JobResult page = new JobResult(1, JobState.COMPLETED, "fetch-1", JsonValueCodec.INSTANCE.encode(new JsonObject()
        .put("url", "https://a.example/owl").put("words", new JsonObject().put("owl", 1))), null, null, Instant.now());

    JobOutcome outcome = spool.perform(PipelineExample.BUILD_INDEX, new JsonObject(),
        new PerformOptions().setParents(List.of(page)));

    assertThat(outcome.result()).isEqualTo(new JsonObject().put("pages", 1).put("failed", new JsonArray())
        .put("index", new JsonObject().put("owl", new JsonArray().add("https://a.example/owl"))));
  }
}
