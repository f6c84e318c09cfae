package dev.spool.cli;

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
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spool workflows show ID}: a workflow's steps as an operator reads them, and its errors. */
class WorkflowsCommandTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  record Result(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private Result spool(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db", TestDatabase.uri(), "--schema", schema));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /** Two resizes and a callback, all run to completion by a worker of the built-in tasks. */
  private WorkflowRun finishedChord() {
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.chord("thumbnails",
        List.of(JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("w", 100)),
            JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("w", 200))),
        JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("done", true)))));
    eventually(Duration.ofSeconds(20), () -> count("workflow_id = $1 and state = 'completed'", run.id()) == 3);
    return run;
  }

  @Test
  void showsEachStepWithItsStateParentsChildrenAndResultAndTheCallback() {
    WorkflowRun run = finishedChord();
    long one = run.id("1");
    long two = run.id("2");
    long callback = run.id("callback");

    Result shown = spool("workflows", "show", String.valueOf(run.id()));
    assertThat(shown.code()).as(shown.err()).isZero();
    List<String> lines = shown.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("workflow " + run.id() + " thumbnails, created "
        + spool("workflows", "show", String.valueOf(run.id()), "--json").json().getString("created_at")
        + ": finished (3 completed)");
    assertThat(lines.get(1)).startsWith("STEP").contains("PARENTS", "CHILDREN", "RESULT / ERROR");
    assertThat(lines.get(2)).startsWith("1 ").contains(String.valueOf(one), "completed", String.valueOf(callback))
        .endsWith("{\"w\":100}");
    assertThat(lines.get(3)).startsWith("2 ").contains(String.valueOf(two)).endsWith("{\"w\":200}");
    assertThat(lines.get(4)).startsWith("callback ").contains(one + "," + two).endsWith("{\"done\":true}");
    assertThat(lines.get(5)).isEqualTo("callback: job " + callback + ", completed: {\"done\":true}");

    // --json is GET /api/workflows/{id}'s document
    JsonObject json = spool("workflows", "show", String.valueOf(run.id()), "--json").json();
    assertThat(json.getLong("callback")).isEqualTo(callback);
    assertThat(json.getBoolean("finished")).isTrue();
    JsonObject first = json.getJsonArray("steps").getJsonObject(0);
    assertThat(first.getString("step")).isEqualTo("1");
    assertThat(first.getJsonObject("result")).isEqualTo(new JsonObject().put("w", 100));
    assertThat(first.getJsonArray("children")).isEqualTo(new JsonArray().add(callback));
  }

  @Test
  void aStepThatWaitsSaysForHowManyParentsAndAWorkflowWithoutCallbackSaysSo() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", WORK, new JsonObject())
        .step("parse", WORK, new JsonObject(), new StepOptions().dependsOn("fetch"))));
    Result shown = spool("workflows", "show", String.valueOf(run.id()));
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains("unfinished (1 available, 1 waiting)");
    String parse = shown.out().lines().filter(l -> l.startsWith("parse ")).findFirst().orElseThrow();
    assertThat(parse).contains("waiting", run.id("fetch") + " (1 to go)");
    assertThat(shown.out().lines().toList()).last().isEqualTo("callback: none");
  }

  @Test
  void jobsExplainOfAWaitingStepNamesTheParentItWaitsOnAndWhatHoldsThatParentBack() {
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", WORK, new JsonObject())
        .step("parse", WORK, new JsonObject(), new StepOptions().dependsOn("fetch"))));
    long parse = run.id("parse");
    Result explained = spool("jobs", "explain", String.valueOf(parse));
    assertThat(explained.code()).as(explained.err()).isZero();
    List<String> lines = explained.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("job " + parse + " is waiting:");
    assertThat(lines.get(1)).isEqualTo("  - it waits on 1 of its 1 parents: job " + run.id("fetch") + " (available: no live "
        + "worker serves queue default: it waits until one starts); it runs once they complete, and is cancelled "
        + "instead if one ends dead or cancelled");
    Result json = spool("jobs", "explain", String.valueOf(parse), "--json");
    JsonObject reason = json.json().getJsonArray("reasons").getJsonObject(0);
    assertThat(reason.getString("code")).isEqualTo("waiting_on_dependencies");
    assertThat(reason.getJsonObject("figures").getJsonArray("waiting_on").getJsonObject(0).getLong("id"))
        .isEqualTo(run.id("fetch"));
  }

  @Test
  void anUnknownWorkflowIsExit1WithOneLine() {
    Result missing = spool("workflows", "show", "987654321");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).isEqualTo("error: no workflow 987654321" + System.lineSeparator());
    Result json = spool("workflows", "show", "987654321", "--json");
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.json()).isEqualTo(new JsonObject().put("error", "no workflow 987654321").put("exit", 1));
  }

  @Test
  void aMalformedIdIsExit2WithAUsageErrorAndNoStackTrace() {
    for (String bad : new String[] {"abc", "0", "1.5", "12x", "99999999999999999999", ""}) {
      Result refused = spool("workflows", "show", bad);
      assertThat(refused.code()).as(bad).isEqualTo(2);
      assertThat(refused.err().lines()).as(bad).containsExactly(
          "spool workflows show: workflow id must be a positive integer, got \"" + bad + "\"",
          "Try 'spool workflows show --help'.");
      assertThat(refused.out()).isEmpty();
    }
    assertThat(spool("workflows", "show", "abc", "--json").json().getInteger("exit")).isEqualTo(2);
  }
}
