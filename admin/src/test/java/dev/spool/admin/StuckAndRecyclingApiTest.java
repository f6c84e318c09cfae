package dev.spool.admin;

import static dev.spool.testing.Prometheus.value;
import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import dev.spool.metrics.MicrometerMetrics;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of time limits and recycling: soft timeouts and stuck handlers (with the job and
 * how long) in {@code /api/stats}, the dashboard's data and {@code /metrics}; {@code /ready} 503 with the
 * reason once a recycling limit trips, or once its host says it is stopping.
 */
class StuckAndRecyclingApiTest extends SpoolTestBase {

  static final Duration WAIT = Duration.ofSeconds(30);

  private Spool metered;
  private AdminVerticle admin;
  private Http http;

  private void start(WorkerOptions options) {
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
    metered = Spool.builder(vertx).connectingTo(TestDatabase.uri()).options(new SpoolOptions().setSchema(schema))
        .listener(metrics).build();
    admin = new AdminVerticle(metered, new AdminOptions().setPort(0), metrics);
    await(vertx.deployVerticle(admin));
    http = new Http(admin.actualPort());
    JobHandlers builtIns = BuiltInTasks.register(new JobHandlers(),
        new HandlerOptions().setSoftTimeout(Duration.ofMillis(100)).setTimeout(Duration.ofMillis(300)));
    await(vertx.deployVerticle(metered.worker(options, builtIns)));
    // a leader is elected; not /ready 200, which a tiny heap limit may never let it say (any collection trips it)
    eventually(WAIT, () -> http.get("/ready").json().getJsonObject("checks").getString("leader") != null);
  }

  private static WorkerOptions quick() {
    return dev.spool.testing.WorkerProcess.fastLiveness().setStuckGrace(Duration.ofMillis(100));
  }

  @Test
  void aStuckHandlerIsListedWithItsJobAndHowLongAndRecyclesTheNodeAtTheLimit() {
    start(quick().setMaxStuckHandlers(1));
    long id = await(metered.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 60_000)));

    eventually(WAIT, () -> http.get("/ready").status() == 503);
    Http.Response ready = http.get("/ready");
    assertThat(ready.json().getString("status")).isEqualTo("not_ready");
    assertThat(ready.json().getJsonArray("reasons").getList())
        .contains("this node is being recycled: 1 handler(s) are stuck (maxStuckHandlers 1)");
    assertThat(ready.json().getJsonObject("checks").getInteger("stuck_handlers")).isEqualTo(1);

    JsonObject stats = http.get("/api/stats").json();
    JsonArray stuck = stats.getJsonArray("stuck");
    assertThat(stuck).hasSize(1);
    JsonObject run = stuck.getJsonObject(0);
    assertThat(run.getLong("id")).isEqualTo(id);
    assertThat(run.getString("task")).isEqualTo("spool.hang");
    assertThat(run.getBoolean("held")).isTrue();
    assertThat(run.getDouble("running_seconds")).isGreaterThanOrEqualTo(0.4);
    assertThat(run.getDouble("past_limit_seconds")).isGreaterThanOrEqualTo(0.1);
    assertThat(stats.getJsonObject("node").getInteger("stuckHandlers")).isEqualTo(1);
    assertThat(stats.getJsonObject("node").getLong("softTimeouts")).isEqualTo(1);
    assertThat(stats.getJsonObject("node").getString("recycling")).contains("stuck");
    assertThat(http.get("/api/dashboard").json().getJsonArray("stuck").getJsonObject(0).getLong("id")).isEqualTo(id);

    String metrics = http.get("/metrics").body();
    assertThat(value(metrics, "spool_stuck_handlers")).isEqualTo(1);
    assertThat(value(metrics, "spool_job_soft_timeouts_total", "queue=default", "task=spool.hang")).isEqualTo(1);
  }

  @Test
  void aHeapOverItsLimitAfterGarbageCollectionMakesTheNodeNotReady() {
    start(quick().setMaxHeapAfterGc(0.000_001));
    System.gc();

    eventually(WAIT, () -> http.get("/ready").status() == 503);
    assertThat(http.get("/ready").json().getJsonArray("reasons").getString(0))
        .startsWith("this node is being recycled: the heap in use after garbage collection is ");
  }

  @Test
  void aHandlerBackFromBeingStuckLeavesTheGaugeAtZero() {
    start(quick());
    await(metered.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 800)));

    eventually(WAIT, () -> value(http.get("/metrics").body(), "spool_stuck_handlers") == 1);
    eventually(WAIT, () -> value(http.get("/metrics").body(), "spool_stuck_handlers") == 0);
    assertThat(http.get("/api/stats").json().getJsonArray("stuck")).isEmpty();
    assertThat(http.get("/ready").status()).as("no recycling limit set").isEqualTo(200);
  }

  @Test
  void aNodeItsHostStopsIsNotReadyWhileItsApiStillServes() {
    start(quick());

    admin.stopping(); // as the worker command does on SIGTERM, before it undeploys the workers

    Http.Response ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getJsonArray("reasons").getList())
        .containsExactly("this node is stopping: it finishes its running jobs and claims no more");
    assertThat(ready.json().getJsonObject("checks").getBoolean("stopping")).isTrue();
    assertThat(http.get("/health").status()).isEqualTo(200);
  }
}
