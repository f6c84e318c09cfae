package dev.spool.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.PeriodicJob;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import dev.spool.WorkflowRun;
import dev.spool.test.EnqueuedJob;
import dev.spool.test.JobMatch;
import dev.spool.test.JobOutcome;
import dev.spool.test.SpoolTest;
import dev.spool.test.SpoolTester;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The docs' snippets that do something on their own, run against PostgreSQL: they do what their pages say. */
@SpoolTest
class DocsSnippetsRunTest {

  @Test
  void enqueuingAUniqueKeyAgainAnswersTheSameJob(SpoolTester spool) {
    JsonObject args = new JsonObject().put("file", "f-1");

    long first = SchedulingSnippets.unique(spool.client(), args, "f-1");
    long again = SchedulingSnippets.unique(spool.client(), args, "f-1");

    assertThat(again).isEqualTo(first);
    assertThat(spool.allEnqueued(JobMatch.task(SchedulingSnippets.IMPORT))).hasSize(1);
  }

  @Test
  void theLimitsSnippetEnqueuesToTheRateLimitedQueue(SpoolTester spool) {
    WorkerOptions options = SchedulingSnippets.queueLimits(spool.client(), new JsonObject().put("to", "a@example.com"));

    EnqueuedJob job = spool.assertEnqueued(SchedulingSnippets.SEND_EMAIL, new JsonObject().put("to", "a@example.com"));
    assertThat(job.queue()).isEqualTo("emails");
    assertThat(job.priority()).isEqualTo(-10);
    assertThat(options.getQueues()).containsExactly("default", "emails", "reports");
  }

  @Test
  void theFairnessSnippetEnqueuesWithTheTenantsKey(SpoolTester spool) {
    SchedulingSnippets.fair(spool.client(), new JsonObject().put("month", "2026-11"));

    EnqueuedJob job = spool.assertEnqueued(SchedulingSnippets.REPORT, new JsonObject().put("month", "2026-11"));
    assertThat(job.queue()).isEqualTo("reports");
    assertThat(job.key()).isEqualTo("tenant-42");
  }

  @Test
  void theWorkflowSnippetEnqueuesThreeStepsAndTheShapes(SpoolTester spool) {
    JsonObject args = new JsonObject().put("file", "f-2");
    List<JobRequest<JsonObject>> jobs = List.of(JobRequest.of(WorkflowsSnippets.FETCH, args));

    WorkflowRun run = WorkflowsSnippets.workflow(spool.client(), args, jobs, JobRequest.of(WorkflowsSnippets.REPORT, args));

    assertThat(run.steps()).containsOnlyKeys("fetch", "parse", "report");
    assertThat(spool.allEnqueued(JobMatch.task(WorkflowsSnippets.PARSE)).get(0).state()).isEqualTo("waiting");
  }

  @Test
  void theBlockingHandlerCompletesWhenNotPastTheSoftLimit(SpoolTester spool) {
    JobHandlers handlers = new JobHandlers();
    HandlersSnippets.register(handlers);
    spool.registerAll(handlers);

    JobOutcome outcome = spool.perform("resize", new JsonObject());

    assertThat(outcome.isCompleted()).as(outcome.toString()).isTrue();
  }

  @Test
  void aPollingHandlerSnoozesWhileTheExportIsNotReady(SpoolTester spool) {
    JobHandlers handlers = new JobHandlers();
    SchedulingSnippets.snooze(handlers, id -> Future.succeededFuture(() -> false));
    spool.registerAll(handlers);

    JobOutcome outcome = spool.perform("poll-export", new JsonObject().put("id", "e-1"));

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.SNOOZED);
    assertThat(outcome.delay()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theConfiguringSnippetsBuildWhatTheyDescribe(SpoolTester spool) {
    Spool scheduled = SchedulingSnippets.periodic(spool.vertx(), "postgresql://postgres@127.0.0.1:5432/unused");
    try {
      assertThat(scheduled.periodicJobs()).extracting(PeriodicJob::name).containsExactly("nightly-sync", "refresh");
    } finally {
      scheduled.close().await();
    }
    SpoolOptions options = SchedulingSnippets.retention();
    assertThat(options.getRetention().getCompleted()).isEqualTo(Duration.ofHours(1));
  }
}
