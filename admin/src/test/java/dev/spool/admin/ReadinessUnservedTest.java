package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.config.SpoolConfig;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} and due jobs no live worker can claim: a task none of its queue's workers handles is a
 * warning unless {@code admin.requireServedTasks} makes it a reason; a queue no worker serves is a reason
 * unless {@code admin.requireServedQueues} is off.
 */
class ReadinessUnservedTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> TYPO = Task.json("wrok");
  static final String UNHANDLED = "no live worker of queue default handles task wrok (1 due jobs wait)";
  static final String UNSERVED = "no live worker serves queue nobody (1 due jobs of task work wait)";

  @BeforeEach
  void aWorkerOfTheDefaultQueueHandlesWork() {
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), new JobHandlers().register(WORK,
        (args, ctx) -> Future.succeededFuture())), new DeploymentOptions()));
  }

  private Http start(AdminOptions options) {
    AdminVerticle admin = new AdminVerticle(spool, options.setPort(0));
    await(vertx.deployVerticle(admin));
    Http http = new Http(admin.actualPort());
    eventually(Duration.ofSeconds(10), () -> http.get("/ready").status() == 200); // the worker leads
    return http;
  }

  @Test
  void byDefaultAJobOfATaskNoWorkerHandlesIsAWarningAndTheNodeStaysReady() {
    Http http = start(new AdminOptions());
    await(spool.client().enqueue(TYPO, new JsonObject(), new EnqueueOptions()));

    Http.Response ready = http.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
    assertThat(ready.json().getJsonArray("reasons")).isEmpty();
    assertThat(ready.json().getJsonArray("warnings")).isEqualTo(new JsonArray().add(UNHANDLED));
    assertThat(ready.json().getJsonObject("checks").getJsonArray("unserved")).isEqualTo(new JsonArray().add("default/wrok"));
  }

  @Test
  void withRequireServedTasksTheSameJobMakesTheNodeNotReady() {
    // the option as an operator sets it: SPOOL_ADMIN_REQUIRE_SERVED_TASKS (admin.requireServedTasks in spool.yaml)
    SpoolConfig config = SpoolConfig.load(null, Map.of("SPOOL_ADMIN_PORT", "0", "SPOOL_ADMIN_REQUIRE_SERVED_TASKS", "true"),
        Map.of(), null);
    AdminOptions options = new AdminOptions(config.admin());
    assertThat(options.isRequireServedTasks()).isTrue();
    Http http = start(options);
    await(spool.client().enqueue(TYPO, new JsonObject(), new EnqueueOptions()));

    Http.Response ready = http.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(503);
    assertThat(ready.json().getJsonArray("reasons")).isEqualTo(new JsonArray().add(UNHANDLED));
    assertThat(ready.json().getJsonArray("warnings")).isEmpty();
  }

  @Test
  void aQueueNoWorkerServesIsAReasonUnlessRequireServedQueuesIsOff() {
    Http byDefault = start(new AdminOptions());
    Http queuesOff = start(new AdminOptions().setRequireServedQueues(false));
    await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("nobody")));

    Http.Response ready = byDefault.get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(503);
    assertThat(ready.json().getJsonArray("reasons")).isEqualTo(new JsonArray().add(UNSERVED));

    Http.Response off = queuesOff.get("/ready");
    assertThat(off.status()).as(off.body()).isEqualTo(200);
    assertThat(off.json().getJsonArray("warnings")).isEqualTo(new JsonArray().add(UNSERVED));
  }

  @Test
  void theOptionReadsBackFromItsJson() {
    assertThat(new AdminOptions().isRequireServedTasks()).isFalse();
    AdminOptions set = new AdminOptions().setRequireServedTasks(true);
    assertThat(new AdminOptions(set.toJson()).isRequireServedTasks()).isTrue();
    assertThat(new AdminOptions(set).isRequireServedTasks()).isTrue();
  }
}
