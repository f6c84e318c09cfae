package dev.spool.examples.docs;

import static io.vertx.core.Future.await;

import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The workflow snippet of docs/guides/workflows.md, compiled. */
final class WorkflowsSnippets {

  static final Task<JsonObject> FETCH = Task.json("fetch");
  static final Task<JsonObject> PARSE = Task.json("parse");
  static final Task<JsonObject> REPORT = Task.json("report");

  static WorkflowRun workflow(JobClient client, JsonObject args, List<JobRequest<JsonObject>> jobs,
      JobRequest<JsonObject> callback) {
    // snippet:start workflow
    WorkflowRun run = await(client.enqueueWorkflow(Workflow.named("import")
        .step("fetch", FETCH, args)
        .step("parse", PARSE, args, new StepOptions().dependsOn("fetch"))
        .step("report", REPORT, args, new StepOptions().dependsOn("parse").setRunOnParentFailure(true))));
    Workflow.chain("c", jobs); Workflow.group("g", jobs); Workflow.chord("batch", jobs, callback); // callback runs once
    // snippet:end workflow
    return run;
  }

  private WorkflowsSnippets() {}
}
