package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminApiTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> OTHER = Task.json("other");

  private Http start(AdminOptions options) {
    AdminVerticle admin = new AdminVerticle(spool, options.setPort(0));
    await(vertx.deployVerticle(admin));
    return new Http(admin.actualPort());
  }

  private Http start() {
    return start(new AdminOptions());
  }

  private long enqueue(Task<JsonObject> task, JsonObject args, EnqueueOptions options) {
    return await(spool.client().enqueue(task, args, options));
  }

  private long enqueue() {
    return enqueue(WORK, new JsonObject().put("n", 1), new EnqueueOptions());
  }

  private void kill(long id) {
    sql("update {schema}.jobs set state = 'dead', finished_at = now(), attempt = max_attempts, "
        + "last_error = '{\"class\":\"java.lang.IllegalStateException\",\"message\":\"boom\"}' where id = $1", id);
  }

  private static void assertError(Http.Response response, int status, String messagePart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json().getInteger("status")).isEqualTo(status);
    assertThat(response.json().getString("error")).contains(messagePart);
  }

  @Test
  void healthAnswersAndUnknownRoutesAndMethodsAreJsonErrors() {
    Http http = start();
    Http.Response health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().getString("status")).isEqualTo("up");
    assertError(http.get("/nothing/here"), 404, "no route");
    assertError(http.send("PUT", "/api/jobs"), 405, "not allowed");
    assertError(http.get("/metrics"), 404, "metrics are not enabled");
  }

  @Test
  void listsJobsWithFiltersAndRefusesBadFilters() {
    Http http = start();
    long a = enqueue();
    long b = enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("mail"));
    long c = enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("mail"));
    long later = enqueue(WORK, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofHours(1)));
    long dead = enqueue();
    kill(dead);

    assertThat(ids(http.get("/api/jobs"))).containsExactly(dead, later, c, b, a);
    assertThat(ids(http.get("/api/jobs?state=available"))).containsExactly(c, b, a);
    assertThat(ids(http.get("/api/jobs?state=scheduled"))).containsExactly(later);
    assertThat(ids(http.get("/api/jobs?state=dead"))).containsExactly(dead);
    assertThat(ids(http.get("/api/jobs?queue=mail&task=other"))).containsExactly(c);
    Http.Response page = http.get("/api/jobs?limit=2");
    assertThat(ids(page)).containsExactly(dead, later);
    assertThat(ids(http.get("/api/jobs?limit=2&before=" + page.json().getLong("next_before")))).containsExactly(c, b);
    assertThat(ids(http.get("/api/jobs?limit=1000"))).hasSize(5);
    assertError(http.get("/api/jobs?limit=99999999999"), 400, "limit must be 1..1000"); // refused, not quietly cut
    JsonObject first = http.get("/api/jobs?state=available&limit=1&queue=default").json().getJsonArray("jobs").getJsonObject(0);
    assertThat(first.getString("state")).isEqualTo("available");
    assertThat(first.getJsonObject("args")).isEqualTo(new JsonObject().put("n", 1));

    assertError(http.get("/api/jobs?state=sleeping"), 400, "state must be one of");
    assertError(http.get("/api/jobs?limit=0"), 400, "limit must be at least 1");
    assertError(http.get("/api/jobs?limit=ten"), 400, "limit must be an integer");
    assertError(http.get("/api/jobs?before=-3"), 400, "before must be a positive integer");
    assertError(http.get("/api/jobs?queue="), 400, "queue must be 1..200 characters");
    assertError(http.get("/api/jobs?stat=dead"), 400, "unknown parameter stat");
    assertError(http.get("/api/jobs?state=dead&state=available"), 400, "more than once");
  }

  private static List<Long> ids(Http.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonArray jobs = response.json().getJsonArray("jobs");
    return jobs.stream().map(j -> ((JsonObject) j).getLong("id")).toList();
  }

  @Test
  void showsAJobWithItsHistoryWhenHistoryIsOn() {
    Http http = start();
    long id = enqueue();
    Http.Response shown = http.get("/api/jobs/" + id);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().getLong("id")).isEqualTo(id);
    assertThat(shown.json().getString("task")).isEqualTo("work");
    assertThat(shown.json().getBoolean("history_enabled")).isFalse();
    assertThat(shown.json().containsKey("history")).isFalse();

    await(newSpool(vertx, new SpoolOptions().setSchema(schema).setHistory(true)).migrate());
    long recorded = enqueue();
    kill(recorded);
    JsonObject withHistory = http.get("/api/jobs/" + recorded).json();
    assertThat(withHistory.getBoolean("history_enabled")).isTrue();
    assertThat(withHistory.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("to")).toList())
        .containsExactly("available", "dead");
    assertThat(withHistory.getJsonArray("history").getJsonObject(1).getJsonObject("error").getString("message"))
        .isEqualTo("boom");
    assertThat(withHistory.getJsonObject("last_error").getString("message")).isEqualTo("boom");

    assertError(http.get("/api/jobs/abc"), 400, "job id must be a positive integer");
    assertError(http.get("/api/jobs/0"), 400, "job id must be a positive integer");
    assertError(http.get("/api/jobs/99999999999999999999"), 400, "job id must be a positive integer");
    assertError(http.get("/api/jobs/987654321"), 404, "no job 987654321");
    assertError(http.get("/api/jobs/" + id + "?verbose=1"), 400, "unknown parameter verbose");
  }

  @Test
  void cancelAnswersPerState() {
    Http http = start();
    long waiting = enqueue();
    long running = enqueue();
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'elsewhere' where id = $1", running);

    Http.Response cancelled = http.delete("/api/jobs/" + waiting);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("result")).isEqualTo("cancelled");
    assertThat(count("id = $1 and state = 'cancelled'", waiting)).isEqualTo(1);

    Http.Response requested = http.delete("/api/jobs/" + running);
    assertThat(requested.status()).isEqualTo(202);
    assertThat(requested.json().getString("result")).isEqualTo("cancel_requested");
    assertThat(count("id = $1 and cancel_requested_at is not null", running)).isEqualTo(1);

    assertError(http.delete("/api/jobs/" + waiting), 409, "already finished");
    assertError(http.delete("/api/jobs/987654321"), 404, "no job");
    assertError(http.delete("/api/jobs/x1"), 400, "job id");
  }

  @Test
  void retriesOneDeadOrCancelledJob() {
    Http http = start();
    long dead = enqueue();
    kill(dead);
    long waiting = enqueue();

    Http.Response retried = http.post("/api/jobs/" + dead + "/retry");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getString("result")).isEqualTo("retried");
    assertThat(count("id = $1 and state = 'available' and finished_at is null", dead)).isEqualTo(1);

    Http.Response refused = http.post("/api/jobs/" + waiting + "/retry");
    assertError(refused, 409, "only dead or cancelled jobs can be retried");
    assertThat(refused.json().getString("state")).isEqualTo("available");
    assertError(http.post("/api/jobs/987654321/retry"), 404, "no job");
    assertError(http.post("/api/jobs/-1/retry"), 400, "job id");
    assertError(http.get("/api/jobs/" + dead + "/retry"), 405, "not allowed");
  }

  @Test
  void listsRetriesAndPurgesDeadJobs() {
    Http http = start();
    for (int i = 0; i < 3; i++) {
      kill(enqueue());
      kill(enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("mail")));
    }
    enqueue();

    Http.Response dead = http.get("/api/dead");
    assertThat(ids(dead)).hasSize(6);
    assertThat(dead.json().getJsonArray("jobs").getJsonObject(0).getJsonObject("last_error").getString("message"))
        .isEqualTo("boom");
    assertThat(ids(http.get("/api/dead?queue=mail&limit=2"))).hasSize(2);
    assertError(http.get("/api/dead?state=available"), 400, "unknown parameter state");

    Http.Response retried = http.post("/api/dead/retry?queue=mail");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getInteger("retried")).isEqualTo(3);
    assertThat(count("state = 'available'")).isEqualTo(4);
    assertError(http.post("/api/dead/retry?limit=3"), 400, "unknown parameter limit");

    Http.Response purged = http.delete("/api/dead?task=work");
    assertThat(purged.status()).isEqualTo(200);
    assertThat(purged.json().getInteger("purged")).isEqualTo(3);
    assertError(http.delete("/api/dead"), 400, "all=true"); // as the CLI's --all, "every dead job" is said explicitly
    assertThat(http.delete("/api/dead?all=true").json().getInteger("purged")).isZero();
    assertThat(count("true")).isEqualTo(4);
    assertError(http.delete("/api/dead?task="), 400, "task must be 1..200 characters");
  }

  @Test
  void bulkActionsTakePendingJobsByFilterInBatchesAndSayHowMany() {
    Http http = start();
    for (int i = 0; i < 3; i++) {
      enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("mail"));
    }
    enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("mail").setDelay(Duration.ofHours(1)));
    enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("reports"));

    Http.Response dry = http.post("/api/jobs/bulk/cancel?queue=mail&state=available&dry_run=true");
    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json().getLong("jobs")).isEqualTo(3);
    assertThat(dry.json().getBoolean("dry_run")).isTrue();
    assertThat(count("state = 'cancelled'")).isZero();
    assertThat(http.post("/api/jobs/bulk/cancel?queue=mail&state=available").json().getLong("jobs")).isEqualTo(3);
    assertThat(count("state = 'cancelled'")).isEqualTo(3);
    assertThat(http.post("/api/jobs/bulk/cancel?queue=nothing").json().getLong("jobs")).isZero();

    assertThat(http.post("/api/jobs/bulk/move?task=other&to=later").json().getLong("jobs")).isEqualTo(1);
    assertThat(count("queue = 'later'")).isEqualTo(1);
    assertThat(http.post("/api/queues/reports/purge").json().getLong("jobs")).isEqualTo(1);
    assertThat(count("queue = 'reports'")).isZero();

    assertError(http.post("/api/jobs/bulk/cancel"), 400, "with no filter takes every pending job");
    assertError(http.post("/api/jobs/bulk/delete?state=dead"), 400, "available or scheduled");
    assertError(http.post("/api/jobs/bulk/move?queue=mail&to=" + "q".repeat(201)), 400, "target queue");
    assertError(http.post("/api/jobs/bulk/move?queue=mail"), 400, "move needs to=");
    assertError(http.post("/api/jobs/bulk/cancel?created_before=yesterday"), 400, "ISO-8601");
    assertError(http.post("/api/jobs/bulk/explode?all=true"), 404, "no bulk action explode");
    assertThat(http.post("/api/jobs/bulk/delete?all=true&dry_run=true").json().getLong("jobs")).isEqualTo(1);
  }

  @Test
  void pausesResumesAndListsQueues() {
    Http http = start();
    enqueue();
    kill(enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("mail")));

    Http.Response paused = http.post("/api/queues/mail/pause");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json()).isEqualTo(new JsonObject().put("queue", "mail").put("paused", true));
    JsonArray queues = http.get("/api/queues").json().getJsonArray("queues");
    assertThat(queues.stream().map(q -> ((JsonObject) q).getString("name")).toList()).containsExactly("default", "mail");
    JsonObject mail = queues.getJsonObject(1);
    assertThat(mail.getBoolean("paused")).isTrue();
    assertThat(mail.getJsonObject("counts").getLong("dead")).isEqualTo(1);
    assertThat(queues.getJsonObject(0).getJsonObject("counts").getLong("available")).isEqualTo(1);

    assertThat(http.post("/api/queues/mail/resume").json().getBoolean("paused")).isFalse();
    // resumed, the queue keeps no row of settings: one paused by mistake leaves no trace
    assertThat(sql("select count(*) from {schema}.queues where name = 'mail'").iterator().next().getLong(0)).isZero();
    assertError(http.post("/api/queues/" + "q".repeat(201) + "/pause"), 400, "queue");
    assertError(http.post("/api/queues/mail/pause?now=1"), 400, "unknown parameter now");
    assertError(http.get("/api/queues/mail/pause"), 405, "not allowed");
  }

  @Test
  void statsCountJobsPerQueueAndStateWithThisNodesRates() {
    Http http = start();
    enqueue();
    enqueue(WORK, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofHours(1)));
    kill(enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("mail")));

    Http.Response stats = http.get("/api/stats");
    assertThat(stats.status()).isEqualTo(200);
    JsonObject json = stats.json();
    assertThat(json.getJsonObject("queues").getJsonObject("default").getLong("available")).isEqualTo(1);
    assertThat(json.getJsonObject("queues").getJsonObject("default").getLong("scheduled")).isEqualTo(1);
    assertThat(json.getJsonObject("queues").getJsonObject("mail").getLong("dead")).isEqualTo(1);
    assertThat(json.getJsonObject("totals").getLong("available")).isEqualTo(1);
    assertThat(json.getJsonObject("totals").getLong("dead")).isEqualTo(1);
    assertThat(json.getJsonObject("totals").getLong("running")).isZero();
    assertThat(json.getJsonObject("node").getString("id")).isEqualTo(spool.nodeId());
    assertThat(json.getJsonObject("rates").getDouble("failure_rate")).isZero();
    assertError(http.get("/api/stats?queue=mail"), 400, "unknown parameter queue");
  }

  @Test
  void readyNeedsALeaderAndNoDueJobWaitingTooLong() {
    Http http = start(new AdminOptions().setMaxOldestAvailable(Duration.ofSeconds(60)));
    Http.Response noLeader = http.get("/ready");
    assertThat(noLeader.status()).isEqualTo(503);
    assertThat(noLeader.json().getString("status")).isEqualTo("not_ready");
    assertThat(noLeader.json().getJsonArray("reasons").encode()).contains("no worker holds the maintenance lease");
    assertThat(noLeader.json().getJsonObject("checks").getString("database")).isEqualTo("ok");

    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(WORK,
        (a, c) -> Future.succeededFuture())), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> http.get("/ready").status() == 200);
    assertThat(http.get("/ready").json().getJsonObject("checks").getString("leader")).isNotNull();

    // a queue that no worker serves: its job waits, and past the threshold /ready says so
    enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("orphans"));
    sql("update {schema}.jobs set run_at = now() - interval '10 minutes' where queue = 'orphans'");
    Http.Response stale = http.get("/ready");
    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.json().getJsonArray("reasons").encode()).contains("the oldest due job of queue orphans has waited");
    assertThat(stale.json().getJsonArray("reasons").encode()).contains("no live worker serves queue orphans");
    // a job of a task the worker does not handle would wait forever: /ready warns of it (a reason only with
    // requireServedTasks, see ReadinessUnservedTest), as explain says
    long lost = enqueue(OTHER, new JsonObject(), new EnqueueOptions());
    Http.Response unserved = http.get("/ready");
    assertThat(unserved.json().getJsonArray("warnings").encode()).contains("no live worker of queue default handles task other");
    assertThat(unserved.json().getJsonArray("reasons").encode()).doesNotContain("handles task other");
    Http.Response explained = http.get("/api/jobs/" + lost + "/explain");
    assertThat(explained.status()).isEqualTo(200);
    assertThat(explained.json().getJsonArray("reasons").getJsonObject(0).getString("code")).isEqualTo("no_worker_for_task");
    assertError(http.get("/api/jobs/987654321/explain"), 404, "no job");
    JsonObject board = http.get("/api/dashboard").json();
    assertThat(queue(board, "default").getJsonArray("warnings").encode()).contains("handles task other");
    sql("update {schema}.jobs set state = 'cancelled', finished_at = now() where id = $1", lost);
    // paused, its jobs wait by design
    await(spool.client().pauseQueue("orphans"));
    assertThat(http.get("/ready").status()).isEqualTo(200);
  }

  @Test
  void readySaysWhenASnapshotHoldsBackVacuumPastItsBound() throws InterruptedException {
    Http http = start(new AdminOptions().setMaxVacuumHorizonAge(Duration.ofSeconds(1)));
    PgConnection analytics = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())
        .setProperties(Map.of("application_name", "analytics"))));
    try {
      await(analytics.query("begin isolation level repeatable read").execute());
      await(analytics.query("select count(*) from " + schema + ".jobs").execute());
      int pid = await(analytics.query("select pg_backend_pid()").execute()).iterator().next().getInteger(0);
      Thread.sleep(1_500);
      Http.Response held = http.get("/ready");
      assertThat(held.status()).isEqualTo(503);
      assertThat(held.json().getJsonArray("reasons").encode()).contains("holds back vacuum (threshold 1 s)",
          "session pid " + pid + " (application analytics), idle in transaction");
      assertThat(held.json().getJsonObject("checks").getJsonObject("vacuum_horizon").getInteger("pid")).isEqualTo(pid);

      await(analytics.query("commit").execute());
      assertThat(http.get("/ready").json().getJsonArray("reasons").encode()).doesNotContain("holds back vacuum");
    } finally {
      await(analytics.close());
    }
    // off by default: the check is not even run
    assertThat(new AdminOptions().getMaxVacuumHorizonAge()).isNull();
  }

  @Test
  void readyFailsWhenTooManyRunsOnThisNodeFail() {
    Http http = start(new AdminOptions().setMinRunsForRate(5).setMaxFailureRate(0.5));
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(WORK,
        (a, c) -> Future.failedFuture(new IllegalStateException("always")))), new DeploymentOptions()));
    for (int i = 0; i < 10; i++) {
      enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1));
    }
    eventually(Duration.ofSeconds(10), () -> count("state = 'dead'") == 10);
    Http.Response ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getJsonArray("reasons").encode()).contains("100% of the last 10 runs on this node failed");
    assertThat(http.get("/api/stats").json().getJsonObject("rates").getLong("runs")).isEqualTo(10);
  }

  @Test
  void offLoopbackTheApiRefusesToStartWithoutATokenAndThenRequiresIt() {
    assertThatThrownBy(() -> new AdminVerticle(spool, new AdminOptions().setHost("0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a bearer token");
    assertThatThrownBy(() -> new AdminVerticle(spool, new AdminOptions().setHost("admin.example.com").setToken("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(AdminOptions.isLoopback("127.0.0.1")).isTrue();
    assertThat(AdminOptions.isLoopback("::1")).isTrue();
    assertThat(AdminOptions.isLoopback("localhost")).isTrue();
    assertThat(AdminOptions.isLoopback("10.1.2.3")).isFalse();

    Http anonymous = start(new AdminOptions().setHost("0.0.0.0").setToken("s3cret"));
    long id = enqueue();
    assertThat(anonymous.get("/health").status()).isEqualTo(200); // liveness needs no token
    Http.Response refused = anonymous.get("/api/jobs/" + id);
    assertError(refused, 401, "Authorization: Bearer");
    assertError(anonymous.withToken("guess").delete("/api/jobs/" + id), 401, "wrong token");
    assertError(anonymous.get("/ready"), 401, "Bearer");
    assertThat(count("state = 'available'")).isEqualTo(1); // nothing happened
    assertThat(anonymous.withToken("s3cret").get("/api/jobs/" + id).status()).isEqualTo(200);
  }

  @Test
  void theApiNeedsASpoolThatIsNotClosedOnlyForItsOwnPool() {
    // the admin's pool is its own: undeploying the verticle closes it and leaves the Spool usable
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0));
    String id = await(vertx.deployVerticle(admin));
    assertThat(new Http(admin.actualPort()).get("/api/queues").status()).isEqualTo(200);
    await(vertx.undeploy(id));
    assertThat(await(spool.client().enqueue(WORK, new JsonObject()))).isPositive();
    Spool other = Spool.builder(vertx).connectingTo(TestDatabase.uri()).schema(schema).build();
    assertThat(await(other.client().countByQueueAndState())).containsKey("default");
  }

  @Test
  void dashboardCountsEachQueueUpToTheLimitAndSumsWhatLiveWorkersReport() {
    Http http = start(new AdminOptions().setDashboardCountLimit(3));
    for (int i = 0; i < 5; i++) {
      enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("mail"));
    }
    enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("mail").setDelay(Duration.ofHours(1)));
    kill(enqueue(OTHER, new JsonObject(), new EnqueueOptions().setQueue("reports")));
    await(spool.client().pauseQueue("paused-empty"));

    JsonObject board = http.get("/api/dashboard").json();
    assertThat(board.getInteger("count_limit")).isEqualTo(3);
    assertThat(board.getLong("newest_id")).isPositive();
    JsonObject mail = queue(board, "mail");
    assertThat(mail.getLong("available")).isEqualTo(3); // 5 due, counted up to the limit
    assertThat(mail.getLong("scheduled")).isEqualTo(1);
    assertThat(mail.getDouble("next_wait_seconds")).isNotNull();
    assertThat(queue(board, "reports").getLong("dead")).isEqualTo(1);
    assertThat(queue(board, "paused-empty").getBoolean("paused")).isTrue();
    assertThat(mail.getInteger("workers")).isZero();

    // a worker on "mail" drains it and reports its throughput in its heartbeat
    await(vertx.deployVerticle(() -> spool.worker(
        new WorkerOptions().setQueues(List.of("mail")).setHeartbeatInterval(Duration.ofMillis(200)),
        new JobHandlers().register(WORK, (args, job) -> Future.succeededFuture())), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> {
      JsonObject now = queue(http.get("/api/dashboard").json(), "mail");
      return now.getLong("available") == 0 && now.getInteger("workers") == 1;
    });
    assertThat(count("queue = 'mail' and state = 'available' and run_at <= now()")).isZero();
    assertError(http.get("/api/dashboard?queue=mail"), 400, "unknown parameter queue");
  }

  private static JsonObject queue(JsonObject board, String name) {
    return board.getJsonArray("queues").stream().map(JsonObject.class::cast)
        .filter(q -> q.getString("name").equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no queue " + name + " in " + board.encode()));
  }

  @Test
  void aDeepSearchCoversARangeOfIdsAndSaysWhereTheNextStarts() {
    Http http = start();
    long first = enqueue(OTHER, new JsonObject(), new EnqueueOptions());
    for (int i = 0; i < 9; i++) {
      enqueue();
    }
    // the rare task is only below the newest 5 ids: the first page finds nothing and says where to go on
    Http.Response near = http.get("/api/jobs?task=other&depth=5");
    assertThat(ids(near)).isEmpty();
    long next = near.json().getLong("next_before");
    assertThat(next).isEqualTo(first + 10 - 5);
    Http.Response older = http.get("/api/jobs?task=other&depth=5&before=" + next);
    assertThat(ids(older)).containsExactly(first);
    assertThat(older.json().getValue("next_before")).isNull(); // the range reached the first id
    // a full page goes on below its last job, as without a depth
    assertThat(http.get("/api/jobs?limit=2&depth=100").json().getLong("next_before")).isEqualTo(first + 8);
    assertError(http.get("/api/jobs?depth=0"), 400, "depth must be a positive integer");
  }

  @Test
  void servesTheDashboardPageAndItsAssetsWithoutTheToken() {
    Http http = start(new AdminOptions().setToken("s3cret"));
    Http.Response page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("<script src=\"/assets/dashboard.js\">");
    assertThat(http.get("/assets/dashboard.js").status()).isEqualTo(200);
    assertThat(http.get("/assets/dashboard.css").contentType()).startsWith("text/css");
    assertThat(http.get("/api/dashboard").status()).isEqualTo(401); // the data still needs it
    assertThat(http.get("/assets/nothing.js").status()).isEqualTo(401); // unknown assets fall to the API's guard

    Http off = start(new AdminOptions().setDashboard(false));
    assertThat(off.get("/").status()).isEqualTo(404);
  }
}
