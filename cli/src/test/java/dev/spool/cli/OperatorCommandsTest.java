package dev.spool.cli;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.Task;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operator commands run in-process against the test's schema, read through their --json output. */
class OperatorCommandsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  record Result(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private Result spool(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--help")) {
      all.addAll(List.of("--db", TestDatabase.uri(), "--schema", schema));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private long enqueue(EnqueueOptions options) {
    return await(spool.client().enqueue(WORK, new JsonObject(), options));
  }

  private void kill(long id) {
    sql("update {schema}.jobs set state = 'dead', finished_at = now(), "
        + "last_error = '{\"class\":\"java.lang.IllegalStateException\",\"message\":\"boom\",\"attempt\":1}' where id = $1", id);
  }

  @Test
  void enqueueWritesTheJobsItSaysItWrote() {
    Result result = spool("enqueue", "--task", "spool.noop", "--args", "{\"x\":1}", "--queue", "mail", "--priority", "3",
        "--delay", "1h", "--max-attempts", "2", "--timeout", "30s", "--count", "3", "--json");
    assertThat(result.code()).as(result.err()).isZero();
    JsonArray ids = result.json().getJsonArray("ids");
    assertThat(ids).hasSize(3);
    assertThat(result.json().getInteger("count")).isEqualTo(3);
    assertThat(count("id = any($1) and queue = 'mail' and task = 'spool.noop' and priority = 3 and max_attempts = 2 "
        + "and timeout_ms = 30000 and run_at > now() + interval '59 minutes' and convert_from(args, 'UTF8') = '{\"x\":1}'",
        (Object) ids.stream().map(id -> ((Number) id).longValue()).toArray(Long[]::new))).isEqualTo(3);

    Result one = spool("enqueue", "--task", "spool.noop");
    assertThat(one.code()).isZero();
    assertThat(one.out()).startsWith("enqueued job ");
    assertThat(count("queue = 'default' and run_at <= now()")).isEqualTo(1);
  }

  @Test
  void enqueueRefusesBadInputWithExitCode2() {
    Result badJson = spool("enqueue", "--task", "t", "--args", "{not json", "--json");
    assertThat(badJson.code()).isEqualTo(2);
    assertThat(badJson.json().getString("error")).contains("--args must be a JSON object");
    assertThat(spool("enqueue", "--task", "t", "--args", "[1,2]").code()).isEqualTo(2);
    assertThat(spool("enqueue", "--task", "t", "--delay", "soon").code()).isEqualTo(2);
    assertThat(spool("enqueue", "--task", "t", "--max-attempts", "0").code()).isEqualTo(2);
    assertThat(spool("enqueue", "--task", "t", "--count", "0").code()).isEqualTo(2);
    assertThat(spool("enqueue", "--task", "t", "--count", "2", "--unique-key", "k").code()).isEqualTo(2);
    assertThat(spool("enqueue", "--args", "{}").code()).isEqualTo(2); // no --task
    assertThat(spool("enqueue", "--task", "t", "--queue", "").code()).isEqualTo(2);
    assertThat(count("true")).isZero();
  }

  @Test
  void statsCountJobsPerQueueAndState() {
    enqueue(new EnqueueOptions());
    enqueue(new EnqueueOptions().setQueue("mail"));
    kill(enqueue(new EnqueueOptions().setQueue("mail")));
    await(spool.client().pauseQueue("mail"));

    Result stats = spool("stats", "--json");
    assertThat(stats.code()).isZero();
    JsonObject mail = stats.json().getJsonObject("queues").getJsonObject("mail");
    assertThat(mail.getLong("available")).isEqualTo(1);
    assertThat(mail.getLong("dead")).isEqualTo(1);
    assertThat(mail.getBoolean("paused")).isTrue();
    assertThat(stats.json().getJsonObject("totals").getLong("available")).isEqualTo(2);

    Result text = spool("stats");
    assertThat(text.out()).contains("QUEUE").contains("mail").contains("(all)");
  }

  @Test
  void jobsListShowCancelAndRetry() {
    long waiting = enqueue(new EnqueueOptions());
    long dead = enqueue(new EnqueueOptions().setQueue("mail"));
    kill(dead);

    Result list = spool("jobs", "list", "--state", "dead", "--json");
    assertThat(list.code()).isZero();
    assertThat(list.json().getJsonArray("jobs")).hasSize(1);
    assertThat(list.json().getJsonArray("jobs").getJsonObject(0).getLong("id")).isEqualTo(dead);
    assertThat(spool("jobs", "list", "--queue", "default", "--json").json().getJsonArray("jobs")).hasSize(1);
    assertThat(spool("jobs", "list", "--state", "sleeping").code()).isEqualTo(2);
    assertThat(spool("jobs", "list", "--limit", "0").code()).isEqualTo(2);
    assertThat(spool("jobs", "list").out()).contains("STATE").contains("IllegalStateException: boom");

    Result show = spool("jobs", "show", String.valueOf(dead), "--json");
    assertThat(show.code()).isZero();
    assertThat(show.json().getString("state")).isEqualTo("dead");
    assertThat(show.json().getJsonObject("last_error").getString("message")).isEqualTo("boom");
    assertThat(spool("jobs", "show", String.valueOf(dead)).out()).contains("last_error").contains("boom");
    Result missing = spool("jobs", "show", "987654321", "--json");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.json().getString("error")).contains("no job 987654321");
    assertThat(spool("jobs", "show", "abc").code()).isEqualTo(2);

    Result cancel = spool("jobs", "cancel", String.valueOf(waiting), "--json");
    assertThat(cancel.code()).isZero();
    assertThat(cancel.json().getString("result")).isEqualTo("cancelled");
    Result again = spool("jobs", "cancel", String.valueOf(waiting), "--json");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.json().getString("result")).isEqualTo("already_finished");

    Result retry = spool("jobs", "retry", String.valueOf(dead), "--json");
    assertThat(retry.code()).isZero();
    assertThat(retry.json().getString("result")).isEqualTo("retried");
    assertThat(count("id = $1 and state = 'available'", dead)).isEqualTo(1);
    Result notDead = spool("jobs", "retry", String.valueOf(dead), "--json");
    assertThat(notDead.code()).isEqualTo(1);
    assertThat(notDead.json().getString("result")).isEqualTo("not_retryable");
    assertThat(spool("jobs", "retry", "987654321").code()).isEqualTo(1);
    assertThat(spool("jobs").code()).isEqualTo(2); // no subcommand
  }

  @Test
  void deadListRetryAndPurge() {
    for (int i = 0; i < 2; i++) {
      kill(enqueue(new EnqueueOptions()));
      kill(enqueue(new EnqueueOptions().setQueue("mail")));
    }
    Result list = spool("dead", "list", "--json");
    assertThat(list.json().getJsonArray("jobs")).hasSize(4);
    assertThat(spool("dead", "list", "--queue", "mail", "--limit", "1", "--json").json().getJsonArray("jobs")).hasSize(1);

    Result retried = spool("dead", "retry", "--queue", "mail", "--json");
    assertThat(retried.code()).isZero();
    assertThat(retried.json().getInteger("retried")).isEqualTo(2);
    assertThat(count("state = 'available' and queue = 'mail'")).isEqualTo(2);

    Result refused = spool("dead", "purge", "--json");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.json().getString("error")).contains("--all");
    Result purged = spool("dead", "purge", "--all", "--json");
    assertThat(purged.code()).isZero();
    assertThat(purged.json().getInteger("purged")).isEqualTo(2);
    assertThat(count("state = 'dead'")).isZero();
  }

  @Test
  void queuesListPauseAndResume() {
    enqueue(new EnqueueOptions().setQueue("mail"));
    Result paused = spool("queues", "pause", "mail", "--json");
    assertThat(paused.code()).isZero();
    assertThat(paused.json().getBoolean("paused")).isTrue();
    JsonArray queues = spool("queues", "list", "--json").json().getJsonArray("queues");
    assertThat(queues).hasSize(1);
    assertThat(queues.getJsonObject(0).getString("name")).isEqualTo("mail");
    assertThat(queues.getJsonObject(0).getBoolean("paused")).isTrue();
    assertThat(queues.getJsonObject(0).getJsonObject("counts").getLong("available")).isEqualTo(1);

    assertThat(spool("queues", "resume", "mail").out()).contains("queue mail resumed");
    // resumed, the queue keeps no row of settings: one paused by mistake leaves no trace
    assertThat(sql("select count(*) from {schema}.queues where name = 'mail'").iterator().next().getLong(0)).isZero();
    assertThat(spool("queues", "pause", "q".repeat(201)).code()).isEqualTo(2);

    // a queue paused by mistake goes away again when resumed
    assertThat(spool("queues", "pause", "typo").code()).isZero();
    assertThat(spool("queues", "resume", "typo").code()).isZero();
    assertThat(spool("queues", "list", "--json").json().getJsonArray("queues").stream()
        .map(q -> ((JsonObject) q).getString("name")).toList()).containsExactly("mail");
  }

  @Test
  void jobsExplainSaysWhyAJobWaits() {
    long id = enqueue(new EnqueueOptions().setQueue("mail").setDelay(java.time.Duration.ofHours(1)));
    Result text = spool("jobs", "explain", String.valueOf(id));
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("job " + id + " is scheduled:", "it is due at", "no live worker serves queue mail");
    Result json = spool("jobs", "explain", String.valueOf(id), "--json");
    assertThat(json.json().getJsonArray("reasons").stream().map(r -> ((JsonObject) r).getString("code")).toList())
        .contains("due_later", "no_worker_for_queue");
    assertThat(spool("jobs", "explain", "987654321").code()).isEqualTo(1);
  }

  @Test
  void bulkCancelMoveAndPurgeTakePendingJobsByFilterAfterADryRun() {
    for (int i = 0; i < 3; i++) {
      enqueue(new EnqueueOptions().setQueue("mail"));
    }
    enqueue(new EnqueueOptions().setQueue("mail").setDelay(java.time.Duration.ofHours(1)));
    enqueue(new EnqueueOptions().setQueue("reports"));

    Result dry = spool("jobs", "cancel", "--queue", "mail", "--state", "available", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("3 pending jobs match; nothing changed");
    assertThat(count("state = 'cancelled'")).isZero();
    Result cancelled = spool("jobs", "cancel", "--queue", "mail", "--state", "available", "--json");
    assertThat(cancelled.json().getLong("jobs")).isEqualTo(3);
    assertThat(count("state = 'cancelled'")).isEqualTo(3);
    assertThat(spool("jobs", "cancel", "--queue", "nothing-here").out()).contains("0 pending jobs cancelled");

    assertThat(spool("jobs", "cancel").code()).isEqualTo(2); // no id, no filter, no --all
    assertThat(spool("jobs", "cancel", "--state", "dead").code()).isEqualTo(2);
    assertThat(spool("jobs", "move", "--queue", "mail", "--to", "").code()).isEqualTo(2);
    assertThat(spool("jobs", "move", "--queue", "mail", "--to", "later").out()).contains("1 pending jobs moved to queue later");
    assertThat(count("queue = 'later' and state = 'available'")).isEqualTo(1);

    assertThat(spool("queues", "purge", "reports", "--dry-run").out()).contains("1 pending jobs match");
    assertThat(spool("queues", "purge", "reports").out()).contains("1 pending jobs deleted");
    assertThat(count("queue = 'reports'")).isZero();
  }

  @Test
  void listLimitsOverTheMaximumAreRefusedNotCut() {
    Result result = spool("jobs", "list", "--limit", "5000", "--json");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.json().getString("error")).contains("limit must be 1..1000");
    assertThat(spool("jobs", "list", "--queue", "a\u0000b").code()).isEqualTo(2);
  }

  @Test
  void migrateTurnsHistoryOnAndOff() {
    Result on = spool("migrate", "--history", "on", "--json");
    assertThat(on.code()).as(on.out() + on.err()).isZero();
    assertThat(on.json().getJsonArray("applied")).isEmpty(); // the test base migrated already
    assertThat(on.json().getBoolean("history")).isTrue();
    long id = enqueue(new EnqueueOptions());
    kill(id);
    Result show = spool("jobs", "show", String.valueOf(id), "--json");
    assertThat(show.json().getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("to")).toList())
        .containsExactly("available", "dead");
    assertThat(spool("jobs", "show", String.valueOf(id)).out()).contains("history").contains("(enqueued)");

    assertThat(spool("migrate").out()).contains("up to date").contains("job history is on"); // left as it was
    assertThat(spool("migrate", "--history", "off", "--json").json().getBoolean("history")).isFalse();
    assertThat(spool("migrate", "--history", "maybe").code()).isEqualTo(2);
  }

  @Test
  void aDatabaseThatDoesNotAnswerIsAFailureNotAStackTrace() {
    StringWriter out = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int code = cli.execute("stats", "--db", "postgresql://nobody@127.0.0.1:1/none", "--json");
    assertThat(code).isEqualTo(1);
    assertThat(new JsonObject(out.toString()).getString("error")).isNotBlank();
  }

  @Test
  void workersListShowsActiveAndReservedJobsPerWorker() {
    assertThat(spool("workers", "list").out()).contains("no workers");
    // two workers as their heartbeats left them (AdminWorkersApiTest runs a real one)
    sql("insert into {schema}.workers (id, queues, tasks, active, reserved, running_ids) "
        + "values ('node-a/1', '{default,mail}', '{work}', 2, 5, '{11,12}'), ('node-b/1', '{mail}', '{work}', 0, 0, '{}')");
    sql("insert into {schema}.leader (name, leader_id, expires_at) values ('maintenance', 'node-b/1', now() + interval '1 minute')");

    Result json = spool("workers", "list", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonArray workers = json.json().getJsonArray("workers");
    assertThat(workers).hasSize(2);
    JsonObject a = workers.getJsonObject(0);
    assertThat(a.getString("id")).isEqualTo("node-a/1");
    assertThat(a.getJsonArray("queues")).containsExactly("default", "mail");
    assertThat(a.getInteger("active")).isEqualTo(2);
    assertThat(a.getInteger("reserved")).isEqualTo(5);
    assertThat(a.getJsonArray("running_ids").encode()).isEqualTo("[11,12]");
    assertThat(a.getBoolean("leader")).isFalse();
    assertThat(workers.getJsonObject(1).getBoolean("leader")).isTrue();

    Result text = spool("workers", "list");
    assertThat(text.code()).isZero();
    assertThat(text.out().lines().toList()).hasSize(3);
    assertThat(text.out()).contains("ACTIVE", "RESERVED").containsPattern("node-a/1 +default,mail +2 +5 .* 11,12");
  }
}
