package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.RateLimit;
import dev.spool.WorkerOptions;
import dev.spool.config.SpoolConfig;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.impl.SpoolFailureAnalyzer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** spool.* properties read as spool.yaml's keys, under Spring's relaxed names; bad ones fail startup like config check. */
class SpoolPropertiesTest {

  @Test
  void relaxedNamesReachTheSameKeysAsSpoolYaml() {
    TestApps.runner().withPropertyValues(
        "spool.worker.concurrency=7",
        "spool.worker.batchSize=50",
        "spool.worker.queues=default,emails",
        "spool.queues.emails.rate-limit=10/1s",
        "spool.queues.emails.key-weights.tenant-a=3",
        "spool.tasks.send-email.soft-timeout=5s",
        "spool.tasks.send-email.timeout=10s",
        "spool.tasks.send-email.retry.max-attempts=4",
        "spool.periodic[0].name=nightly",
        "spool.periodic[0].cron=0 3 * * *",
        "spool.periodic[0].task=report",
        "spool.periodic[0].args.format=pdf").run(context -> {
          assertThat(context).hasNotFailed();
          SpoolConfig config = context.getBean(SpoolProperties.class).config();
          WorkerOptions worker = config.workerOptions();
          assertThat(worker.getConcurrency()).isEqualTo(7);
          assertThat(worker.getBatchSize()).isEqualTo(50);
          assertThat(worker.getQueues()).containsExactly("default", "emails");
          assertThat(worker.getQueueOptions("emails").getRateLimit()).isEqualTo(RateLimit.of(10, Duration.ofSeconds(1)));
          assertThat(worker.getQueueOptions("emails").getKeyWeights()).containsEntry("tenant-a", 3);
          HandlerOptions task = config.taskOptions().get("send-email");
          assertThat(task.getSoftTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(task.getTimeout()).isEqualTo(Duration.ofSeconds(10));
          assertThat(task.getRetryPolicy().getMaxAttempts()).isEqualTo(4);
          List<PeriodicJob<JsonObject>> periodic = config.periodicJobs();
          assertThat(periodic).hasSize(1);
          assertThat(periodic.get(0).name()).isEqualTo("nightly");
          assertThat(config.toJson(true).getJsonArray("periodic").getJsonObject(0).getJsonObject("args"))
              .isEqualTo(new JsonObject().put("format", "pdf"));
        });
  }

  @Test
  void yamlListsAndNestedKeysReadAsInSpoolYaml() {
    withFile("application-spool.yml").run(context -> {
      assertThat(context).hasNotFailed();
      SpoolConfig config = context.getBean(SpoolProperties.class).config();
      assertThat(config.workerOptions().getQueues()).containsExactly("default", "reports");
      assertThat(config.workerOptions().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
      assertThat(config.taskOptions().get("send-email").getRetryPolicy().getGiveUpOn()).containsExactly(IllegalArgumentException.class);
      assertThat(config.periodicJobs()).hasSize(1);
      assertThat(config.toJson(true).getJsonArray("periodic").getJsonObject(0).getJsonObject("args"))
          .isEqualTo(new JsonObject().put("format", "pdf").put("pages", 3));
      assertThat(config.admin().getValue("maxOldestAvailableMs")).isNull();
    });
  }

  @Test
  void aBadYamlValueNamesItsFileAndLine() {
    FailureAnalysis analysis = failure(withFile("wrong-yaml-spool.yml"));
    assertThat(analysis.getDescription()).contains("wrong-yaml-spool.yml").contains("- 6:")
        .contains("spool.queues.emails.rate-limit: ").contains("fast");
  }

  @Test
  void theFailureAnalyzerIsRegistered() {
    assertThat(org.springframework.core.io.support.SpringFactoriesLoader.loadFactoryNames(
        org.springframework.boot.diagnostics.FailureAnalyzer.class, getClass().getClassLoader()))
        .contains(SpoolFailureAnalyzer.class.getName());
  }

  @Test
  void anUnknownKeyFailsStartupNamingItsSourceAndTheKeyMeant() {
    FailureAnalysis analysis = failure(withFile("bad-spool.properties"));
    assertThat(analysis.getDescription())
        .contains("bad-spool.properties")
        .contains("spool.worker.concurency: unknown key (did you mean spool.worker.concurrency?)");
    assertThat(analysis.getAction()).contains("Rename spool.worker.concurency to spool.worker.concurrency");
  }

  @Test
  void aValueOfTheWrongTypeFailsStartupAsConfigCheckWould() {
    FailureAnalysis analysis = failure(withFile("wrong-type-spool.properties"));
    assertThat(analysis.getDescription()).contains("wrong-type-spool.properties").contains("- 1:")
        .contains("spool.worker.batch-size: ").contains("lots");
  }

  @Test
  void aValueOutOfRangeNamesTheProperty() {
    FailureAnalysis analysis = failure(TestApps.runner().withPropertyValues("spool.tasks.send-email.soft-timeout=20s",
        "spool.tasks.send-email.timeout=10s"));
    assertThat(analysis.getDescription()).contains("spool.tasks.send-email.soft-timeout").contains("below");
  }

  @Test
  void theWorkerSwitchTakesOnlyABoolean() {
    FailureAnalysis analysis = failure(TestApps.runner().withPropertyValues("spool.worker.enabled=maybe"));
    assertThat(analysis.getDescription()).contains("spool.worker.enabled").contains("expected true or false");
  }

  private static ApplicationContextRunner withFile(String file) {
    return TestApps.runner().withInitializer(context -> {
      try {
        var loader = file.endsWith(".yml") ? new YamlPropertySourceLoader() : new PropertiesPropertySourceLoader();
        for (PropertySource<?> source : loader.load(file, new ClassPathResource(file))) {
          context.getEnvironment().getPropertySources().addFirst(source);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static FailureAnalysis failure(ApplicationContextRunner runner) {
    FailureAnalysis[] out = new FailureAnalysis[1];
    runner.run(context -> {
      assertThat(context).hasFailed();
      out[0] = new SpoolFailureAnalyzer().analyze(context.getStartupFailure());
    });
    assertThat(out[0]).as("a Spool failure analysis").isNotNull();
    return out[0];
  }
}
