package dev.spool.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The example spool.yaml at the repository root loads, and its values reach Spool's options. */
class ExampleConfigTest {

  // surefire runs in the runtime module's folder
  private static final Path EXAMPLE = Path.of("..", "spool.yaml").toAbsolutePath().normalize();

  private final SpoolConfig config = TestFiles.load(EXAMPLE);

  @Test
  void theExampleLoadsWithoutError() {
    assertThat(EXAMPLE).exists();
    assertThat(config.unusedEnvironment()).isEmpty();
  }

  @Test
  void everyKeyOfTheExampleHasACommentAboveIt() throws IOException {
    List<String> lines = Files.readAllLines(EXAMPLE);
    List<ConfigEntry> fromFile = config.entries().stream().filter(e -> e.source() == ConfigSource.FILE).toList();
    assertThat(fromFile).hasSizeGreaterThan(60);
    for (ConfigEntry entry : fromFile) {
      int line = Integer.parseInt(entry.detail().substring(entry.detail().lastIndexOf(':') + 1));
      String above = lines.get(line - 2).trim();
      assertThat(above).as("the line above %s (%s)", entry.path(), entry.detail()).matches("(- )?#.*");
    }
  }

  @Test
  void theDatabaseAndSchemaSettingsReachSpoolOptions() {
    SpoolOptions spool = config.spoolOptions();
    assertThat(config.databaseUrl()).isEqualTo("postgresql://spool@localhost:5432/app");
    assertThat(spool.getSchema()).isEqualTo("spool");
    assertThat(spool.getPoolSize()).isEqualTo(4);
    assertThat(spool.getHistory()).isTrue();
    assertThat(spool.getRetention().getDead()).isEqualTo(Duration.ofDays(14));
    assertThat(spool.getRetention().getCompleted()).isEqualTo(Duration.ZERO);
    assertThat(spool.getVacuum().getMinDeadRows()).isEqualTo(20_000);
  }

  @Test
  void theWorkerSettingsReachWorkerOptions() {
    WorkerOptions worker = config.workerOptions();
    assertThat(worker.getQueues()).containsExactly("default", "emails", "reports");
    assertThat(worker.getConcurrency()).isEqualTo(100);
    assertThat(worker.getAckFlushInterval()).isEqualTo(Duration.ofMillis(5));
    assertThat(worker.getLease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.workerInstances()).isEqualTo(2);
    assertThat(config.migrate()).isTrue();
    assertThat(config.handlerJars()).isEmpty();
    assertThat(worker.getBlockingPoolSize()).isEqualTo(20);
    assertThat(worker.isVirtualThreads()).isFalse();
    assertThat(worker.getStuckGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(worker.getMaxStuckHandlers()).isEqualTo(3);
    assertThat(worker.getMaxHeapAfterGc()).isEqualTo(0.9);
    assertThat(worker.getQueueOptions("reports").getBlockingPoolSize()).isEqualTo(4);
  }

  @Test
  void queueAndTaskEntriesReachTheirOptions() {
    QueueOptions emails = config.workerOptions().getQueueOptions("emails");
    assertThat(emails.getConcurrency()).isEqualTo(20);
    assertThat(emails.getPrefetch()).isZero();
    assertThat(emails.getGlobalConcurrency()).isEqualTo(50);
    assertThat(emails.getRateLimit()).isEqualTo(RateLimit.perSecond(100));
    assertThat(config.workerOptions().getTaskRateLimits()).containsEntry("send-email", RateLimit.perSecond(10));

    HandlerOptions sendEmail = config.taskOptions().get("send-email");
    assertThat(sendEmail.getTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sendEmail.getSoftTimeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(sendEmail.isBlocking()).isTrue();
    assertThat(sendEmail.getOnStuck()).isEqualTo(HandlerOptions.OnStuck.HOLD);
    assertThat(sendEmail.getRetryPolicy().getBase()).isEqualTo(Duration.ofSeconds(5));
    assertThat(sendEmail.getRetryPolicy().getMaxDelay()).isEqualTo(Duration.ofMinutes(30));
    assertThat(sendEmail.getRetryPolicy().getJitter()).isEqualTo(0.2);
    assertThat(sendEmail.getRetryPolicy().getMaxAttempts()).isEqualTo(8);
    assertThat(sendEmail.getRetryPolicy().getRetryOn()).containsExactlyInAnyOrder(IOException.class, TimeoutException.class);
    assertThat(sendEmail.getRetryPolicy().getGiveUpOn()).containsExactly(IllegalArgumentException.class);
  }

  @Test
  void thePeriodicEntryBecomesAPeriodicJob() {
    assertThat(config.periodicJobs()).hasSize(1);
    PeriodicJob<JsonObject> report = config.periodicJobs().get(0);
    assertThat(report.name()).isEqualTo("nightly-report");
    assertThat(report.task().name()).isEqualTo("build-report");
    assertThat(report.args()).isEqualTo(new JsonObject().put("kind", "daily").put("recipients",
        new io.vertx.core.json.JsonArray().add("ops@example.com")));
    assertThat(report.options().getQueue()).isEqualTo("reports");
    assertThat(report.options().getMaxAttempts()).isEqualTo(3);
    assertThat(report.catchUp()).isEqualTo(PeriodicJob.CatchUp.LATEST);
    // 03:00 in Paris is 01:00 UTC in summer
    assertThat(report.nextSlot(Instant.parse("2025-07-01T00:00:00Z"))).isEqualTo(Instant.parse("2025-07-01T01:00:00Z"));
  }

  @Test
  void theAdminAndMetricsSectionsComeOutAsJson() {
    assertThat(config.adminEnabled()).isTrue();
    JsonObject admin = config.admin();
    assertThat(admin.fieldNames()).containsExactlyInAnyOrder("host", "port", "token", "allowedHosts", "maxFailureRate", "rateWindowMs",
        "minRunsForRate", "maxOldestAvailableMs", "maxVacuumHorizonAgeMs", "requireLeader", "requireServedQueues", "requireServedTasks", "queueRefreshMs", "dashboard", "dashboardCountLimit");
    assertThat(admin.getInteger("port")).isEqualTo(7317);
    assertThat(admin.getLong("rateWindowMs")).isEqualTo(60_000L);
    assertThat(admin.getLong("maxOldestAvailableMs")).isEqualTo(300_000L);
    assertThat(config.metrics()).isEqualTo(new JsonObject().put("enabled", true).put("jvm", true));
  }

  @Test
  void itsEffectiveValuesReadBackAsTheSameConfiguration() {
    SpoolConfig again = SpoolConfig.fromJson(config.toJson(false), Map.of(), null);
    assertThat(again.toJson(false)).isEqualTo(config.toJson(false));
    assertThat(again.workerOptions().toJson()).isEqualTo(config.workerOptions().toJson());
    assertThat(again.spoolOptions().toJson()).isEqualTo(config.spoolOptions().toJson());
  }
}
