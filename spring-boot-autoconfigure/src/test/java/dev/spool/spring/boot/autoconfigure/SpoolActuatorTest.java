package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BlockingJobHandler;
import dev.spool.EnqueueOptions;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.Task;
import dev.spool.metrics.MicrometerMetrics;
import dev.spool.spring.SpoolAdminLifecycle;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.impl.SpoolEndpoint;
import dev.spool.spring.impl.SpoolHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Health in the application's terms, Spool's meters in its registry, the endpoint, the admin API on request. */
class SpoolActuatorTest {

  private static ApplicationContextRunner runner() {
    return TestApps.runner().withConfiguration(AutoConfigurations.of(SpoolHealthAutoConfiguration.class,
        SpoolMetricsAutoConfiguration.class, SpoolAdminAutoConfiguration.class));
  }

  @Test
  void healthIsUpWithAWorkerAndDownWhenAnEnqueueOnlyNodeSeesAnUnservedQueue() {
    runner().withBean(HandlerBeansTest.Greeter.class).run(context -> {
      SpoolHealthIndicator health = context.getBean("spoolHealthIndicator", SpoolHealthIndicator.class);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Health seen = health.health();
      while (seen.getStatus() != Status.UP && System.nanoTime() < deadline) { // the first leader election
        Thread.sleep(100);
        seen = health.health();
      }
      assertThat(seen.getStatus()).as(seen.toString()).isEqualTo(Status.UP);
      assertThat(seen.getDetails()).containsEntry("database", "ok");
    });
    runner().withPropertyValues("spool.worker.enabled=false").run(context -> {
      context.getBean(JobClient.class).enqueue("nobody-handles-this", new JsonObject()).await();
      Health seen = context.getBean("spoolHealthIndicator", SpoolHealthIndicator.class).health();
      assertThat(seen.getStatus()).isEqualTo(Status.DOWN);
      assertThat(seen.getDetails().get("reasons").toString()).contains("nobody-handles-this");
    });
  }

  /** A handler that fails every run. */
  @SpoolHandler("always-fails")
  static class Failing implements BlockingJobHandler<JsonObject> {
    @Override
    public void run(JsonObject args, JobContext context) {
      throw new IllegalStateException("fails by design");
    }
  }

  @Test
  void healthGoesDownWhenThisNodesFailureRateIsOverTheAdminThreshold() {
    runner().withBean(Failing.class)
        .withPropertyValues("spool.admin.max-failure-rate=0.5", "spool.admin.min-runs-for-rate=5").run(context -> {
          SpoolHealthIndicator health = context.getBean("spoolHealthIndicator", SpoolHealthIndicator.class);
          JobClient client = context.getBean(JobClient.class);
          for (int i = 0; i < 6; i++) {
            long id = client.enqueue(Task.json("always-fails"), new JsonObject(), new EnqueueOptions().setMaxAttempts(1))
                .await();
            client.await(id, Duration.ofSeconds(30)).await();
          }
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          Health seen = health.health();
          while (!seen.getDetails().getOrDefault("reasons", "").toString().contains("failed (threshold 50%)")
              && System.nanoTime() < deadline) { // the last runs' counters may trail their rows by a moment
            Thread.sleep(50);
            seen = health.health();
          }
          assertThat(seen.getStatus()).as(seen.toString()).isEqualTo(Status.DOWN);
          assertThat(seen.getDetails().get("reasons").toString()).containsPattern(
              "100% of the last [56] runs on this node failed \\(threshold 50%\\)");
          assertThat(seen.getDetails()).containsEntry("failure_rate", 1.0);
        });
  }

  @Test
  void spoolsMetersGoToTheApplicationsRegistry() {
    runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(HandlerBeansTest.Greeter.class).run(context -> {
      assertThat(context).hasSingleBean(MicrometerMetrics.class);
      JobClient client = context.getBean(JobClient.class);
      // no await of the job: a job that completed and was deleted before the await began answers NoSuchJob
      client.enqueue("greet", new JsonObject()).await();
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (registry.find("spool.jobs").tag("task", "greet").counters().stream().mapToDouble(c -> c.count()).sum() < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(registry.find("spool.jobs").tag("task", "greet").counters().stream().mapToDouble(c -> c.count()).sum())
          .isEqualTo(1.0);
    });
  }

  @Test
  void theEndpointListsQueuesAndWorkers() {
    runner().withPropertyValues("spool.worker.enabled=false").run(context -> {
      context.getBean(JobClient.class).enqueue("report", new JsonObject()).await();
      Map<String, Object> answer = context.getBean(SpoolEndpoint.class).spool();
      assertThat(answer).containsKeys("node", "queues", "workers", "stats");
      assertThat(answer.get("queues").toString()).contains("default");
    });
  }

  @Test
  void theAdminApiIsServedOnlyWhenAsked() throws Exception {
    runner().run(context -> assertThat(context.getBean(SpoolAdminLifecycle.class).isRunning()).isFalse());
    runner().withPropertyValues("spool.admin.port=0").run(context -> {
      int port = context.getBean(SpoolAdminLifecycle.class).port();
      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
    });
  }
}
