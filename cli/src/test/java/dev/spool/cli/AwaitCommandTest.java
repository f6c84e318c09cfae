package dev.spool.cli;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code jobs await} and the result in {@code jobs show --json}, run in-process against the test's schema. */
class AwaitCommandTest extends SpoolTestBase {

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

  @Test
  void awaitExitsZeroWithTheResultOfACompletedJobAndShowPrintsItToo() {
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    long id = await(spool.client().enqueue(BuiltInTasks.ECHO, new JsonObject().put("n", 1)));

    Result awaited = spool("jobs", "await", String.valueOf(id), "--timeout", "30s", "--json");
    assertThat(awaited.code()).as(awaited.err()).isZero();
    assertThat(awaited.json().getString("state")).isEqualTo("completed");
    assertThat(awaited.json().getJsonObject("result")).isEqualTo(new JsonObject().put("n", 1));

    Result text = spool("jobs", "await", String.valueOf(id), "--timeout", "30s");
    assertThat(text.code()).isZero();
    assertThat(text.out()).startsWith("job " + id + " completed: {\"n\":1}");

    Result shown = spool("jobs", "show", String.valueOf(id), "--json");
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.json().getString("state")).isEqualTo("completed");
    assertThat(shown.json().getJsonObject("result")).isEqualTo(new JsonObject().put("n", 1));
  }

  @Test
  void awaitExitsOneForADeadJobWithItsErrorAndForAnUnknownId() {
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'dead', finished_at = now(), "
        + "last_error = '{\"class\":\"java.lang.IllegalStateException\",\"message\":\"boom\"}' where id = $1", id);

    Result dead = spool("jobs", "await", String.valueOf(id), "--timeout", "30s", "--json");
    assertThat(dead.code()).isEqualTo(1);
    assertThat(dead.json().getString("state")).isEqualTo("dead");
    assertThat(dead.json().getJsonObject("error").getString("message")).isEqualTo("boom");
    Result text = spool("jobs", "await", String.valueOf(id), "--timeout", "30s");
    assertThat(text.code()).isEqualTo(1);
    assertThat(text.out()).contains("dead: boom");

    assertThat(spool("jobs", "await", "987654321", "--timeout", "1s").code()).isEqualTo(1);
  }

  @Test
  void awaitExitsThreeWhenTheJobDoesNotFinishInTime() {
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("nobody-works-here")));

    Result timedOut = spool("jobs", "await", String.valueOf(id), "--timeout", "300ms", "--json");
    assertThat(timedOut.code()).isEqualTo(3);
    assertThat(timedOut.json()).isEqualTo(new JsonObject().put("id", id).put("state", "timeout"));
    assertThat(spool("jobs", "await", String.valueOf(id), "--timeout", "300ms").code()).isEqualTo(3);
    // the job goes on
    assertThat(count("id = $1 and state = 'available'", id)).isEqualTo(1);
  }
}
