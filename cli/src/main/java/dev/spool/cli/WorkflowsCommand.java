package dev.spool.cli;

import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.WorkflowStatus;
import dev.spool.admin.JobJson;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code workflows show ID}: a workflow's steps, their states, parents, children and results, and its callback. */
@Command(name = "workflows", mixinStandardHelpOptions = true, description = "Show workflows.",
    subcommands = {WorkflowsCommand.Show.class})
final class WorkflowsCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw UsageErrors.missingSubcommand(spec);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a workflow: each step with its job, state, parents, children and result (or error), "
          + "and its callback. Exit 0 shown, 1 no such workflow, 2 a malformed id.")
  static final class Show extends Operator {
    /** Taken as text so that a malformed id gets this command's own message, which says what an id is. */
    @Parameters(paramLabel = "ID", description = "workflow id (as enqueueWorkflow returned it)")
    String id;

    private long workflowId;

    @Override
    void validate() {
      if (id == null || !id.matches("[0-9]{1,19}") || parsed(id) < 1) {
        throw usage("workflow id must be a positive integer, got \"" + id + "\"");
      }
      workflowId = parsed(id);
    }

    private static long parsed(String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException tooLarge) {
        return -1;
      }
    }

    @Override
    int run(Session session) throws Exception {
      Optional<WorkflowStatus> found = Await.result(session.admin.workflow(workflowId));
      if (found.isEmpty()) {
        return fail(FAILED, "no workflow " + workflowId);
      }
      List<Long> completed = found.get().steps().stream().filter(s -> s.state() == JobState.COMPLETED)
          .map(WorkflowStatus.StepStatus::id).toList();
      List<JobResult> results = Await.result(session.admin.results(completed));
      // the text and --json come from the same document as GET /api/workflows/{id}
      JsonObject workflow = JobJson.workflow(found.get(), results);
      if (json) {
        return printJson(workflow, OK);
      }
      print(out(), workflow);
      return OK;
    }
  }

  /** The text view: a header, one line per step, and the callback. */
  static void print(PrintWriter out, JsonObject wf) {
    JsonObject counts = wf.getJsonObject("counts");
    out.printf("workflow %d %s, created %s: %s (%s)%n", wf.getLong("id"), wf.getString("name"), wf.getString("created_at"),
        wf.getBoolean("finished") ? "finished" : "unfinished",
        counts.fieldNames().stream().map(state -> counts.getValue(state) + " " + state).collect(Collectors.joining(", ")));
    out.printf("%-16s %-10s %-10s %-7s %-20s %-20s %s%n", "STEP", "JOB", "STATE", "ATTEMPT", "PARENTS", "CHILDREN",
        "RESULT / ERROR");
    for (Object s : wf.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      Integer pending = step.getInteger("pending_parents");
      String parents = ids(step.getJsonArray("parents"))
          + ("waiting".equals(step.getString("state")) && pending != null ? " (" + pending + " to go)" : "");
      out.printf("%-16s %-10d %-10s %-7d %-20s %-20s %s%n", cut(step.getString("step"), 16), step.getLong("id"),
          step.getString("state"), step.getInteger("attempt"), cut(parents, 20), cut(ids(step.getJsonArray("children")), 20),
          cut(outcome(step), 80));
    }
    Long callback = wf.getLong("callback");
    if (callback == null) {
      out.println("callback: none");
      return;
    }
    for (Object s : wf.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      if (step.getLong("id").equals(callback)) {
        String outcome = outcome(step);
        out.printf("callback: job %d, %s%s%n", callback, step.getString("state"), outcome.isEmpty() ? "" : ": " + outcome);
      }
    }
  }

  /** What a step came to: its result, its error, or its progress while it runs. */
  private static String outcome(JsonObject step) {
    if (step.getValue("result") != null) {
      return Json.encode(step.getValue("result"));
    }
    if (step.getString("resultBase64") != null) {
      return "(binary result, " + step.getString("resultBase64").length() + " base64 chars)";
    }
    JsonObject error = step.getJsonObject("error");
    if (error != null && !"completed".equals(step.getString("state"))) {
      String cls = error.getString("class", "");
      return cls.substring(cls.lastIndexOf('.') + 1) + ": " + error.getString("message", "");
    }
    return step.getValue("progress") == null ? "" : "progress " + Json.encode(step.getValue("progress"));
  }

  private static String ids(JsonArray ids) {
    return ids.isEmpty() ? "-" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static String cut(String text, int width) {
    String oneLine = text.replace('\n', ' ');
    return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 1) + "…";
  }
}
