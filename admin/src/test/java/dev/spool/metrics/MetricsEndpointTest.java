package dev.spool.metrics;

import static dev.spool.testing.Prometheus.value;
import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.testing.Http;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");

  @Test
  void scrapeCountsWhatTheWorkersDid() {
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
    Spool metered = Spool.builder(vertx).connectingTo(TestDatabase.uri()).options(new SpoolOptions().setSchema(schema))
        .listener(metrics).build();
    AdminVerticle admin = new AdminVerticle(metered, new AdminOptions().setPort(0)
        .setQueueRefresh(Duration.ofMillis(100)), metrics);
    await(vertx.deployVerticle(admin));
    Http http = new Http(admin.actualPort());

    // {"fail": n} fails its first n attempts
    JobHandlers handlers = new JobHandlers().register(WORK,
        (args, ctx) -> ctx.attempt() <= args.getInteger("fail", 0)
            ? Future.failedFuture(new IllegalStateException("attempt " + ctx.attempt())) : Future.succeededFuture(),
        new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(10)).setJitter(0)));
    for (int i = 0; i < 5; i++) {
      await(metered.client().enqueue(WORK, new JsonObject()));
    }
    await(metered.client().enqueue(WORK, new JsonObject().put("fail", 2)));                 // 2 retries, then ok
    await(metered.client().enqueue(WORK, new JsonObject().put("fail", 9), new EnqueueOptions().setMaxAttempts(1)));
    await(metered.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("idle")));
    await(vertx.deployVerticle(() -> metered.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> count("queue = 'default' and state <> 'dead'") == 0);
    eventually(Duration.ofSeconds(5), () -> value(http.get("/metrics").body(), "spool_queue_depth",
        "queue=default", "state=dead") == 1);

    Http.Response scrape = http.get("/metrics");
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.contentType()).startsWith("text/plain");
    String text = scrape.body();
    String[] work = {"queue=default", "task=work"};
    assertThat(value(text, "spool_jobs_total", with(work, "outcome=completed"))).isEqualTo(6);
    assertThat(value(text, "spool_jobs_total", with(work, "outcome=retried"))).isEqualTo(2);
    assertThat(value(text, "spool_jobs_total", with(work, "outcome=dead"))).isEqualTo(1);
    assertThat(value(text, "spool_job_retries_total", work)).isEqualTo(2);
    assertThat(value(text, "spool_job_duration_seconds_count", with(work, "outcome=completed"))).isEqualTo(6);
    assertThat(value(text, "spool_job_duration_seconds_bucket", with(work, "outcome=completed", "le=+Inf")))
        .isEqualTo(6);
    assertThat(value(text, "spool_pickup_lag_seconds_count", "queue=default")).isEqualTo(9); // 7 jobs, 2 retries
    assertThat(value(text, "spool_claim_batch_size_sum", "queue=default")).isEqualTo(9);
    assertThat(value(text, "spool_jobs_active", "queue=default")).isZero();
    assertThat(value(text, "spool_late_acks_total")).isZero();
    // gauges of the database, refreshed by a query rather than counted on the way
    assertThat(value(text, "spool_queue_depth", "queue=default", "state=dead")).isEqualTo(1);
    assertThat(value(text, "spool_queue_depth", "queue=idle", "state=available")).isEqualTo(1);
    assertThat(value(text, "spool_jobs_dead", "queue=default")).isEqualTo(1);
    assertThat(value(text, "spool_queue_oldest_available_seconds", "queue=idle")).isGreaterThanOrEqualTo(0);
    assertThat(text).contains("# TYPE spool_job_duration_seconds histogram");

    // a dead job purged: the gauge goes to 0 rather than keeping its last value
    sql("delete from {schema}.jobs where state = 'dead'");
    eventually(Duration.ofSeconds(5), () -> value(http.get("/metrics").body(), "spool_jobs_dead", "queue=default") == 0);
  }

  @Test
  void rescuesAndLateAcksAreCounted() {
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
    metrics.rescued("default", "available", 3);
    metrics.rescued("default", "dead", 1);
    metrics.lateAcks(2);
    String text = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) metrics.registry()).scrape();
    assertThat(value(text, "spool_jobs_rescued_total", "queue=default", "state=available")).isEqualTo(3);
    assertThat(value(text, "spool_jobs_rescued_total", "queue=default")).isEqualTo(4);
    assertThat(value(text, "spool_late_acks_total")).isEqualTo(2);
  }

  private static String[] with(String[] labels, String... more) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, all, labels.length, more.length);
    return all;
  }

  @Test
  void theOldestSnapshotHoldingBackVacuumIsAGaugeNamingItsSession() throws InterruptedException {
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry())
        .horizonNamedAfter(Duration.ofSeconds(1));
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0)
        .setQueueRefresh(Duration.ofMillis(100)), metrics);
    await(vertx.deployVerticle(admin));
    Http http = new Http(admin.actualPort());

    PgConnection analytics = await(PgConnection.connect(vertx, PgConnectOptions.fromUri(TestDatabase.uri())
        .setProperties(Map.of("application_name", "analytics"))));
    try {
      await(analytics.query("begin isolation level repeatable read").execute());
      int pid = await(analytics.query("select pg_backend_pid()").execute()).iterator().next().getInteger(0);
      Thread.sleep(1_500);
      eventually(Duration.ofSeconds(10), () -> value(http.get("/metrics").body(), "spool_vacuum_horizon_age_seconds",
          "kind=session", "pid=" + pid, "application_name=analytics") >= 1.5);
      String text = http.get("/metrics").body();
      assertThat(value(text, "spool_vacuum_horizon_xid_age", "kind=session")).isGreaterThanOrEqualTo(0);
      assertThat(value(text, "spool_jobs_table_dead_tuples")).isGreaterThanOrEqualTo(0);

      // once it commits, the gauge no longer names it
      await(analytics.query("commit").execute());
      eventually(Duration.ofSeconds(10), () -> Double.isNaN(value(http.get("/metrics").body(),
          "spool_vacuum_horizon_age_seconds", "pid=" + pid)));
    } finally {
      await(analytics.close());
    }
  }
}
