package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The admin API's view of workflows: {@code /api/workflows/{id}}, and the result, progress and links of a job. */
class AdminWorkflowApiTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  private Http start() {
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0));
    await(vertx.deployVerticle(admin));
    return new Http(admin.actualPort());
  }

  /** fetch (echo) -> parse -> report, nothing run yet. */
  private WorkflowRun importWorkflow() {
    return await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", BuiltInTasks.ECHO, new JsonObject().put("rows", 3))
        .step("parse", WORK, new JsonObject(), new StepOptions().dependsOn("fetch"))
        .step("report", WORK, new JsonObject(), new StepOptions().dependsOn("parse"))));
  }

  @Test
  void aWorkflowShowsItsStepsStatesAndParentsAndDeleteCancelsTheUnfinishedOnes() {
    Http http = start();
    WorkflowRun run = importWorkflow();

    Http.Response shown = http.get("/api/workflows/" + run.id());
    assertThat(shown.status()).as(shown.body()).isEqualTo(200);
    JsonObject wf = shown.json();
    assertThat(wf.getString("name")).isEqualTo("import");
    assertThat(wf.getBoolean("finished")).isFalse();
    assertThat(wf.getJsonObject("counts")).isEqualTo(new JsonObject().put("available", 1).put("waiting", 2));
    JsonArray steps = wf.getJsonArray("steps");
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("step"))).containsExactly("fetch", "parse", "report");
    JsonObject parse = steps.getJsonObject(1);
    assertThat(parse.getLong("id")).isEqualTo(run.id("parse"));
    assertThat(parse.getString("state")).isEqualTo("waiting");
    assertThat(parse.getInteger("pending_parents")).isEqualTo(1);
    assertThat(parse.getJsonArray("parents")).isEqualTo(new JsonArray().add(run.id("fetch")));

    Http.Response cancelled = http.delete("/api/workflows/" + run.id());
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json()).isEqualTo(new JsonObject().put("id", run.id()).put("cancelled", 3));
    JsonObject after = http.get("/api/workflows/" + run.id()).json();
    assertThat(after.getBoolean("finished")).isTrue();
    assertThat(after.getJsonObject("counts")).isEqualTo(new JsonObject().put("cancelled", 3));
    // a second delete finds nothing left to cancel
    assertThat(http.delete("/api/workflows/" + run.id()).json().getInteger("cancelled")).isZero();
  }

  @Test
  void unknownWorkflowsAre404AndBadIds400() {
    Http http = start();
    Http.Response missing = http.get("/api/workflows/987654321");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json()).isEqualTo(new JsonObject().put("error", "no workflow 987654321").put("status", 404));
    assertThat(http.get("/api/workflows/abc").status()).isEqualTo(400);
    assertThat(http.delete("/api/workflows/abc").status()).isEqualTo(400);
    // every malformed id is the caller's mistake, said in one line: never a 500
    for (String bad : new String[] {"0", "-3", "1.5", "1e3", "99999999999999999999", "%20"}) {
      Http.Response refused = http.get("/api/workflows/" + bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.json().getString("error")).as(bad).startsWith("workflow id must be a positive integer");
    }
    assertThat(http.get("/api/workflows/12?verbose=true").status()).isEqualTo(400);
  }

  @Test
  void aFinishedChordShowsItsResultsChildrenAndItsCallback() {
    Http http = start();
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.chord("resize",
        java.util.List.of(JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("w", 100)),
            JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("w", 200))),
        JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("done", true)))));
    eventually(Duration.ofSeconds(20), () -> http.get("/api/workflows/" + run.id()).json().getBoolean("finished"));

    JsonObject wf = http.get("/api/workflows/" + run.id()).json();
    long callback = run.id("callback");
    assertThat(wf.getLong("callback")).isEqualTo(callback);
    assertThat(wf.getJsonObject("counts")).isEqualTo(new JsonObject().put("completed", 3));
    JsonObject first = step(wf, "1");
    assertThat(first.getJsonObject("result")).isEqualTo(new JsonObject().put("w", 100));
    assertThat(first.getJsonArray("children")).isEqualTo(new JsonArray().add(callback));
    assertThat(step(wf, "2").getJsonObject("result")).isEqualTo(new JsonObject().put("w", 200));
    JsonObject last = step(wf, "callback");
    assertThat(last.getJsonArray("parents")).isEqualTo(new JsonArray().add(run.id("1")).add(run.id("2")));
    assertThat(last.getJsonArray("children")).isEmpty();
    assertThat(last.getJsonObject("result")).isEqualTo(new JsonObject().put("done", true));
  }

  @Test
  void aWorkflowWithoutACallbackSaysSoAndItsUnfinishedStepsHaveNoResult() {
    Http http = start();
    WorkflowRun run = importWorkflow();
    JsonObject wf = http.get("/api/workflows/" + run.id()).json();
    assertThat(wf.containsKey("callback")).isTrue();
    assertThat(wf.getValue("callback")).isNull();
    assertThat(step(wf, "fetch").getJsonArray("children")).isEqualTo(new JsonArray().add(run.id("parse")));
    assertThat(step(wf, "fetch").getValue("result")).isNull();
  }

  @Test
  void aWaitingStepsExplanationNamesTheParentItWaitsOnAndWhatHoldsThatParentBack() {
    Http http = start();
    WorkflowRun run = importWorkflow();

    Http.Response explained = http.get("/api/jobs/" + run.id("report") + "/explain");
    assertThat(explained.status()).as(explained.body()).isEqualTo(200);
    assertThat(explained.json().getString("state")).isEqualTo("waiting");
    JsonObject reason = explained.json().getJsonArray("reasons").getJsonObject(0);
    assertThat(reason.getString("code")).isEqualTo("waiting_on_dependencies");
    assertThat(reason.getString("message")).isEqualTo("it waits on 1 of its 1 parents: job " + run.id("parse")
        + " (waiting: it waits on 1 of its 1 parents: job " + run.id("fetch") + " (available)); it runs once they "
        + "complete, and is cancelled instead if one ends dead or cancelled");
    JsonObject figures = reason.getJsonObject("figures");
    assertThat(figures.getLong("parents")).isEqualTo(1);
    assertThat(figures.getLong("unfinished")).isEqualTo(1);
    assertThat(figures.getBoolean("run_on_parent_failure")).isFalse();
    assertThat(figures.getJsonArray("failed")).isEmpty();
    JsonObject parse = figures.getJsonArray("waiting_on").getJsonObject(0);
    assertThat(parse.getLong("id")).isEqualTo(run.id("parse"));
    assertThat(parse.getString("state")).isEqualTo("waiting");
    assertThat(parse.getJsonObject("reason").getString("code")).isEqualTo("waiting_on_dependencies");
  }

  private static JsonObject step(JsonObject workflow, String name) {
    return workflow.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> name.equals(s.getString("step"))).findFirst().orElseThrow(() -> new AssertionError("no step " + name));
  }

  @Test
  void aJobShowsItsResultItsProgressAndItsPlaceInTheWorkflow() {
    Http http = start();
    Promise<Void> release = Promise.promise();
    JobHandlers handlers = BuiltInTasks.register(new JobHandlers()).register(WORK, (args, ctx) -> {
      ctx.progress(40, new JsonObject().put("rows", 2));
      return release.future(); // runs until the test lets it finish
    });
    await(spool.deployWorkers(new WorkerOptions().setHeartbeatInterval(Duration.ofMillis(200)), handlers, 1));
    try {
      showsResultProgressAndLinks(http, importWorkflow());
    } finally {
      release.complete();
    }
  }

  private void showsResultProgressAndLinks(Http http, WorkflowRun run) {
    long fetch = run.id("fetch");
    long parse = run.id("parse");

    // the parent completed with a result, and names its child
    eventually(Duration.ofSeconds(20), () -> "completed".equals(http.get("/api/jobs/" + fetch).json().getString("state")));
    JsonObject parent = http.get("/api/jobs/" + fetch).json();
    assertThat(parent.getJsonObject("result")).isEqualTo(new JsonObject().put("rows", 3));
    assertThat(parent.getJsonArray("children")).isEqualTo(new JsonArray().add(parse));
    assertThat(parent.getJsonArray("parents")).isEmpty();
    assertThat(parent.getLong("workflow_id")).isEqualTo(run.id());
    assertThat(parent.getString("step")).isEqualTo("fetch");

    // the running child shows its progress (written with its worker's heartbeat) and its links
    eventually(Duration.ofSeconds(20), () -> http.get("/api/jobs/" + parse).json().getValue("progress") != null);
    JsonObject child = http.get("/api/jobs/" + parse).json();
    assertThat(child.getString("state")).isEqualTo("running");
    assertThat(child.getJsonObject("progress")).isEqualTo(new JsonObject().put("value", 40)
        .put("details", new JsonObject().put("rows", 2)));
    assertThat(child.getValue("result")).isNull();
    assertThat(child.getJsonArray("parents")).isEqualTo(new JsonArray().add(fetch));
    assertThat(child.getJsonArray("children")).isEqualTo(new JsonArray().add(run.id("report")));
    assertThat(child.getString("step")).isEqualTo("parse");
  }
}
