package dev.spool.config;

import static dev.spool.config.TestFiles.load;
import static dev.spool.config.TestFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spool.PeriodicJob;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How values are written: durations, booleans, strings, lists, rates, forever and off, free-form args. */
class ConfigValuesTest {

  @TempDir
  Path dir;

  private Duration pollInterval(String text) {
    return SpoolConfig.load(null, Map.of(), Map.of("worker.pollInterval", text), null).workerOptions().getPollInterval();
  }

  private String pollIntervalError(String text) {
    return catchThrowableOfType(ConfigException.class,
        () -> SpoolConfig.load(null, Map.of(), Map.of("worker.pollInterval", text), null)).getMessage();
  }

  @Test
  void durationsHaveAUnitAndMayCombineUnits() {
    assertThat(pollInterval("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(pollInterval("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(pollInterval("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(pollInterval("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(pollInterval("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(pollInterval("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(pollInterval("1m30s250ms")).isEqualTo(Duration.ofMillis(90_250));
  }

  @Test
  void aDurationWithoutAUnitOrNegativeIsRefused() {
    assertThat(pollIntervalError("30")).isEqualTo("flag --worker.pollInterval: worker.pollInterval: a duration needs a unit, like 30s, got '30'");
    assertThat(pollIntervalError("-5s")).isEqualTo("flag --worker.pollInterval: worker.pollInterval: a duration must not be negative, got '-5s'");
    assertThat(pollIntervalError("soon")).contains("expected a duration like 500ms, 30s, 5m, 1h, 7d or 1h30m, got 'soon'");
    assertThat(pollIntervalError("30m1h")).contains("expected a duration");
  }

  @Test
  void durationsAreShownTheWayTheyAreWritten() {
    SpoolConfig config = SpoolConfig.load(null, Map.of(), Map.of("worker.pollInterval", "90m"), null);
    assertThat(config.toJson(false).getJsonObject("worker").getString("pollInterval")).isEqualTo("1h30m");
    assertThat(config.toJson(false).getJsonObject("worker").getString("ackFlushInterval")).isEqualTo("5ms");
  }

  @Test
  void onlyTrueAndFalseAreBooleansAndStringsStayAsWritten() {
    SpoolConfig config = load(yaml(dir,
        "schema: on",
        "worker:",
        "  queues: [no, off, default]",
        "  migrate: false",
        "vacuum:",
        "  enabled: FALSE"));
    assertThat(config.spoolOptions().getSchema()).isEqualTo("on");
    assertThat(config.workerOptions().getQueues()).containsExactly("no", "off", "default");
    assertThat(config.migrate()).isFalse();
    assertThat(config.spoolOptions().getVacuum().isEnabled()).isFalse();
  }

  @Test
  void foreverKeepsAndOffTurnsAChecksOff() {
    SpoolConfig config = load(yaml(dir,
        "retention:",
        "  dead: forever",
        "  completed: 1h",
        "admin:",
        "  maxOldestAvailable: off"));
    assertThat(config.spoolOptions().getRetention().getDead()).isNull();
    assertThat(config.spoolOptions().getRetention().getCompleted()).isEqualTo(Duration.ofHours(1));
    assertThat(config.admin().containsKey("maxOldestAvailableMs")).isTrue();
    assertThat(config.admin().getValue("maxOldestAvailableMs")).isNull();
    assertThat(config.toJson(false).getJsonObject("retention").getString("dead")).isEqualTo("forever");
  }

  @Test
  void anEmptyValueLeavesTheDefault() {
    SpoolConfig config = load(yaml(dir, "worker:", "  concurrency:", "history: ~"));
    assertThat(config.workerOptions().getConcurrency()).isEqualTo(100);
    assertThat(config.spoolOptions().getHistory()).isNull();
  }

  @Test
  void periodicArgsAreAnyJsonAndReadLikeJson() {
    SpoolConfig config = load(yaml(dir,
        "periodic:",
        "  - name: cleanup",
        "    every: 15m",
        "    task: cleanup",
        "    catchUp: ALL",
        "    maxCatchUp: 4",
        "    runOnStart: true",
        "    priority: -5",
        "    args:",
        "      dryRun: false",
        "      answer: on",
        "      limit: 500",
        "      ratio: 0.25",
        "      zip: '01234'",
        "      nested: {tables: [jobs, events], empty: ~}"));
    PeriodicJob<JsonObject> job = config.periodicJobs().get(0);
    assertThat(job.args()).isEqualTo(new JsonObject().put("dryRun", false).put("answer", "on").put("limit", 500)
        .put("ratio", 0.25).put("zip", "01234")
        .put("nested", new JsonObject().put("tables", new JsonArray().add("jobs").add("events")).putNull("empty")));
    assertThat(job.catchUp()).isEqualTo(PeriodicJob.CatchUp.ALL);
    assertThat(job.maxCatchUp()).isEqualTo(4);
    assertThat(job.runOnStart()).isTrue();
    assertThat(job.options().getPriority()).isEqualTo(-5);
    assertThat(job.nextSlot(java.time.Instant.parse("2025-01-01T00:07:00Z")))
        .isEqualTo(java.time.Instant.parse("2025-01-01T00:15:00Z"));
  }

  @Test
  void aPeriodicEntryWithoutArgsGetsAnEmptyObject() {
    SpoolConfig config = load(yaml(dir, "periodic:", "  - {name: tick, every: 1m, task: tick}"));
    assertThat(config.periodicJobs().get(0).args()).isEqualTo(new JsonObject());
  }

  @Test
  void ratesReadCountPerWindow() {
    SpoolConfig config = load(yaml(dir, "queues:", "  slow:", "    rateLimit: 5/500ms"));
    assertThat(config.workerOptions().getQueueOptions("slow").getRateLimit())
        .isEqualTo(dev.spool.RateLimit.of(5, Duration.ofMillis(500)));
    assertThat(config.toJson(false).getJsonObject("queues").getJsonObject("slow").getString("rateLimit")).isEqualTo("5/500ms");
  }
}
