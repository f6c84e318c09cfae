package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobClient;
import dev.spool.metrics.MicrometerMetrics;
import dev.spool.spring.SpoolAdminLifecycle;
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

  @Test
  void spoolsMetersGoToTheApplicationsRegistry() {
    runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(HandlerBeansTest.Greeter.class).run(context -> {
      assertThat(context).hasSingleBean(MicrometerMetrics.class);
      JobClient client = context.getBean(JobClient.class);
      long id = client.enqueue("greet", new JsonObject()).await();
      client.await(id, Duration.ofSeconds(30)).await();
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
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
