package dev.spool.config;

import static dev.spool.config.TestFiles.load;
import static dev.spool.config.TestFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, then the file, then SPOOL_* variables, then flags; each value says where it came from. */
class ConfigSourcesTest {

  @TempDir
  Path dir;

  private static ConfigEntry entry(SpoolConfig config, String path) {
    return config.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  void aKeyLeftOutIsTheDefaultAndSaysSo() {
    SpoolConfig config = load(yaml(dir, "worker:", "  concurrency: 50"));
    assertThat(config.workerOptions().getBatchSize()).isEqualTo(500);
    assertThat(entry(config, "worker.batchSize")).isEqualTo(new ConfigEntry("worker.batchSize", 500,
        ConfigSource.DEFAULT, null, false));
  }

  @Test
  void aFileValueNamesItsFileAndLine() {
    Path file = yaml(dir, "# workers", "worker:", "  concurrency: 50");
    SpoolConfig config = load(file);
    assertThat(config.workerOptions().getConcurrency()).isEqualTo(50);
    assertThat(entry(config, "worker.concurrency")).isEqualTo(new ConfigEntry("worker.concurrency", 50,
        ConfigSource.FILE, file + ":3", false));
  }

  @Test
  void theEnvironmentOverridesTheFileAndNamesTheVariable() {
    SpoolConfig config = load(yaml(dir, "worker:", "  concurrency: 50"), Map.of("SPOOL_WORKER_CONCURRENCY", "70"));
    assertThat(config.workerOptions().getConcurrency()).isEqualTo(70);
    assertThat(entry(config, "worker.concurrency").source()).isEqualTo(ConfigSource.ENV);
    assertThat(entry(config, "worker.concurrency").detail()).isEqualTo("SPOOL_WORKER_CONCURRENCY");
  }

  @Test
  void aFlagOverridesTheEnvironmentAndNamesTheFlag() {
    Path file = yaml(dir, "worker:", "  concurrency: 50");
    SpoolConfig config = SpoolConfig.load(file, Map.of("SPOOL_WORKER_CONCURRENCY", "70"),
        Map.of("worker.concurrency", "90"), null);
    assertThat(config.workerOptions().getConcurrency()).isEqualTo(90);
    assertThat(entry(config, "worker.concurrency").source()).isEqualTo(ConfigSource.FLAG);
    assertThat(entry(config, "worker.concurrency").detail()).isEqualTo("--worker.concurrency");

    SpoolConfig named = SpoolConfig.load(file, Map.of(), Map.of("worker.concurrency", "90"),
        Map.of("worker.concurrency", "--concurrency"), null);
    assertThat(entry(named, "worker.concurrency").detail()).isEqualTo("--concurrency");
  }

  @Test
  void everyKeyHasItsVariable() {
    SpoolConfig config = SpoolConfig.load(null, Map.of(
        "SPOOL_ADMIN_PORT", "9000",
        "SPOOL_ADMIN_REQUIRE_SERVED_TASKS", "true",
        "SPOOL_WORKER_BATCH_SIZE", "250",
        "SPOOL_DATABASE_URL", "postgresql://db/app",
        "SPOOL_SCHEMA", "jobs",
        "SPOOL_WORKER_QUEUES", "default, emails",
        "SPOOL_RETENTION_DEAD", "forever",
        "SPOOL_HISTORY", "false"), Map.of(), null);
    assertThat(config.admin().getInteger("port")).isEqualTo(9000);
    assertThat(config.admin().getBoolean("requireServedTasks")).isTrue();
    assertThat(config.adminEnabled()).isTrue();
    assertThat(config.workerOptions().getBatchSize()).isEqualTo(250);
    assertThat(config.databaseUrl()).isEqualTo("postgresql://db/app");
    assertThat(config.spoolOptions().getSchema()).isEqualTo("jobs");
    assertThat(config.workerOptions().getQueues()).containsExactly("default", "emails");
    assertThat(config.spoolOptions().getRetention().getDead()).isNull();
    assertThat(config.spoolOptions().getHistory()).isFalse();
  }

  @Test
  void variablesReachTheEntriesOfQueuesAndTasksNamedInTheFile() {
    Path file = yaml(dir,
        "queues:",
        "  bulk-mail:",
        "    concurrency: 5",
        "tasks:",
        "  send-email:",
        "    timeout: 30s");
    SpoolConfig config = load(file, Map.of(
        "SPOOL_QUEUES_BULK_MAIL_GLOBAL_CONCURRENCY", "8",
        "SPOOL_TASKS_SEND_EMAIL_RETRY_MAX_ATTEMPTS", "4",
        "SPOOL_TASKS_SEND_EMAIL_RATE_LIMIT", "5/1s"));
    QueueOptions bulk = config.workerOptions().getQueueOptions("bulk-mail");
    assertThat(bulk.getConcurrency()).isEqualTo(5);
    assertThat(bulk.getGlobalConcurrency()).isEqualTo(8);
    assertThat(config.taskOptions().get("send-email").getRetryPolicy().getMaxAttempts()).isEqualTo(4);
    assertThat(config.taskOptions().get("send-email").getTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.workerOptions().getTaskRateLimits()).containsEntry("send-email", RateLimit.perSecond(5));
    assertThat(entry(config, "tasks.send-email.retry.maxAttempts").detail())
        .isEqualTo("SPOOL_TASKS_SEND_EMAIL_RETRY_MAX_ATTEMPTS");
  }

  @Test
  void aVariableForAnEntryTheFileDoesNotNameAddsItLowerCased() {
    SpoolConfig config = SpoolConfig.load(null, Map.of("SPOOL_QUEUES_REPORTS_RATE_LIMIT", "10/1m"), Map.of(), null);
    assertThat(config.workerOptions().getQueueOptions("reports").getRateLimit()).isEqualTo(RateLimit.perMinute(10));
  }

  @Test
  void variablesReachPeriodicEntriesByName() {
    Path file = yaml(dir,
        "periodic:",
        "  - name: nightly-sync",
        "    cron: 0 3 * * *",
        "    task: sync");
    SpoolConfig config = load(file, Map.of("SPOOL_PERIODIC_NIGHTLY_SYNC_MAX_ATTEMPTS", "2",
        "SPOOL_PERIODIC_OTHER_MAX_ATTEMPTS", "2"));
    assertThat(config.periodicJobs().get(0).options().getMaxAttempts()).isEqualTo(2);
    assertThat(config.unusedEnvironment()).containsExactly("SPOOL_PERIODIC_OTHER_MAX_ATTEMPTS");
  }

  @Test
  void variablesThatNameNoKeyAreListedNotRefused() {
    SpoolConfig config = SpoolConfig.load(null, Map.of(
        "SPOOL_WORKER_CONCURENCY", "5",
        "SPOOL_CONFIG", "/etc/spool.yaml",
        "SPOOL_TEST_DATABASE_URL", "postgresql://localhost/test",
        "SPOOL_REQUIRE_BROWSER", "true",
        "HOME", "/root"), Map.of(), null);
    assertThat(config.unusedEnvironment()).containsExactly("SPOOL_WORKER_CONCURENCY");
  }

  @Test
  void theDatabasePasswordAndTheAdminTokenAreMasked() {
    Path file = yaml(dir,
        "database:",
        "  url: postgresql://spool:s3cret@db.internal:5432/app?sslmode=require",
        "admin:",
        "  port: 7317",
        "  token: abc=def");
    SpoolConfig config = load(file);
    assertThat(config.databaseUrl()).contains("s3cret");
    assertThat(config.admin().getString("token")).isEqualTo("abc=def");

    assertThat(entry(config, "database.url").value()).isEqualTo("postgresql://spool:****@db.internal:5432/app?sslmode=require");
    assertThat(entry(config, "database.url").secret()).isTrue();
    assertThat(entry(config, "admin.token").value()).isEqualTo("****");
    assertThat(config.toJson(true).getJsonObject("database").getString("url")).doesNotContain("s3cret");
    assertThat(config.toJson(true).getJsonObject("admin").getString("token")).isEqualTo("****");
    assertThat(config.toJson(false).getJsonObject("admin").getString("token")).isEqualTo("abc=def");
  }

  @Test
  void aPasswordGivenAsAParameterIsMaskedToo() {
    SpoolConfig config = SpoolConfig.load(null,
        Map.of("SPOOL_DATABASE_URL", "postgresql://db/app?user=spool&password=s3cret"), Map.of(), null);
    assertThat(entry(config, "database.url").value()).isEqualTo("postgresql://db/app?user=spool&password=****");
  }

  @Test
  void anEmptyFileMeansTheDefaults() {
    SpoolConfig empty = load(yaml(dir, "# nothing set yet"));
    assertThat(empty.toJson(false)).isEqualTo(SpoolConfig.defaults().toJson(false));
    assertThat(empty.workerOptions().toJson()).isEqualTo(new dev.spool.WorkerOptions().toJson());
    assertThat(empty.spoolOptions().toJson()).isEqualTo(new dev.spool.SpoolOptions().toJson());
    assertThat(empty.workerInstances()).isEqualTo(2);
    assertThat(empty.migrate()).isTrue();
    assertThat(empty.adminEnabled()).isFalse();
    assertThat(empty.admin().getValue("port")).isNull();
    assertThat(empty.admin().getString("host")).isEqualTo("127.0.0.1");
    assertThat(empty.periodicJobs()).isEmpty();
    assertThat(empty.entries()).allSatisfy(e -> assertThat(e.source()).isEqualTo(ConfigSource.DEFAULT));
  }

  @Test
  void handlerJarsInTheFileAreRelativeToItsFolder() {
    SpoolConfig config = load(yaml(dir, "worker:", "  handlerJars: [lib/handlers.jar, /opt/spool/more.jar]"));
    assertThat(config.handlerJars()).containsExactly(dir.toAbsolutePath().resolve("lib/handlers.jar"),
        Path.of("/opt/spool/more.jar"));
  }

  @Test
  void aJsonObjectIsReadLikeTheFile() {
    SpoolConfig config = SpoolConfig.fromJson(new io.vertx.core.json.JsonObject()
        .put("worker", new io.vertx.core.json.JsonObject().put("concurrency", 12).put("lease", "1m"))
        .put("admin", new io.vertx.core.json.JsonObject().put("enabled", true)),
        Map.of("SPOOL_WORKER_BATCH_SIZE", "40"), null);
    assertThat(config.workerOptions().getConcurrency()).isEqualTo(12);
    assertThat(config.workerOptions().getLease()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.workerOptions().getBatchSize()).isEqualTo(40);
    assertThat(entry(config, "worker.concurrency").source()).isEqualTo(ConfigSource.FILE);
    assertThat(config.adminEnabled()).isTrue();
    assertThat(config.admin().getInteger("port")).isEqualTo(7317);
  }

  @Test
  void aJsonFileIsReadToo() {
    Path file = TestFiles.write(dir.resolve("spool.json"), "{\"worker\": {\"batchSize\": 64}}");
    SpoolConfig config = load(file);
    assertThat(config.workerOptions().getBatchSize()).isEqualTo(64);
    assertThat(entry(config, "worker.batchSize").detail()).isEqualTo(file.toString());
  }
}
