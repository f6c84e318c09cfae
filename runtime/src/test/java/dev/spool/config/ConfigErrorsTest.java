package dev.spool.config;

import static dev.spool.config.TestFiles.load;
import static dev.spool.config.TestFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration that cannot be used fails with one line naming the key and where its value came from. */
class ConfigErrorsTest {

  @TempDir
  Path dir;

  private ConfigException failure(String... lines) {
    return catchThrowableOfType(ConfigException.class, () -> load(yaml(dir, lines)));
  }

  private String file() {
    return dir.resolve("spool.yaml").toString();
  }

  @Test
  void anUnknownKeyIsNamedWithItsLineAndASuggestion() {
    ConfigException e = failure(
        "worker:",
        "  queues: [default]",
        "",
        "  concurency: 50");
    assertThat(e).hasMessage(file() + ":4: worker.concurency: unknown key (did you mean worker.concurrency?)");
    assertThat(e.path()).isEqualTo("worker.concurency");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.file()).isEqualTo(file());
  }

  @Test
  void aKeyInTheWrongSectionPointsToTheRightOne() {
    assertThat(failure("worker:", "  poolSize: 8"))
        .hasMessage(file() + ":2: worker.poolSize: unknown key (did you mean database.poolSize?)");
  }

  @Test
  void anUnknownSectionIsAnError() {
    assertThat(failure("wroker:", "  concurrency: 5")).hasMessage(file() + ":1: wroker: unknown key (did you mean worker?)");
  }

  @Test
  void anUnknownKeyInsideAQueueOrTaskIsAnError() {
    assertThat(failure("tasks:", "  send-email:", "    retry:", "      maxAttempt: 3"))
        .hasMessage(file() + ":4: tasks.send-email.retry.maxAttempt: unknown key "
            + "(did you mean tasks.send-email.retry.maxAttempts?)");
  }

  @Test
  void aValueOfTheWrongTypeNamesThePathAndLine() {
    assertThat(failure("worker:", "  concurrency: lots"))
        .hasMessage(file() + ":2: worker.concurrency: expected an integer, got 'lots'");
    assertThat(failure("worker:", "  migrate: yes"))
        .hasMessage(file() + ":2: worker.migrate: expected true or false, got 'yes'");
    assertThat(failure("worker:", "  concurrency:", "    max: 5"))
        .hasMessage(file() + ":2: worker.concurrency: expected a value, got a mapping");
  }

  @Test
  void aValueTheOptionsRefuseNamesThePathAndLine() {
    ConfigException e = failure("worker:", "  concurrency: 10", "  batchSize: -3");
    assertThat(e).hasMessage(file() + ":3: worker.batchSize: must be at least 1, got -3");
    assertThat(e.line()).isEqualTo(3);
    assertThat(failure("tasks:", "  flaky:", "    retry:", "      jitter: 1.5"))
        .hasMessage(file() + ":4: tasks.flaky.retry.jitter: must be within [0, 1], got 1.5");
  }

  @Test
  void badTimeLimitsAndPoolsNameTheKeyAndLine() {
    assertThat(failure("tasks:", "  resize:", "    softTimeout: 10m", "    timeout: 10m"))
        .hasMessage(file() + ":3: tasks.resize.softTimeout: must be below timeout (10m), got 10m");
    assertThat(failure("tasks:", "  resize:", "    timeout: 0s"))
        .hasMessage(file() + ":3: tasks.resize.timeout: must be between 1 ms and ~24 days, got 0s");
    assertThat(failure("tasks:", "  resize:", "    softTimeout: 0s"))
        .hasMessage(file() + ":3: tasks.resize.softTimeout: must be between 1 ms and ~24 days, got 0s");
    assertThat(failure("tasks:", "  resize:", "    onStuck: wait"))
        .hasMessage(file() + ":3: tasks.resize.onStuck: expected hold or release, got 'wait'");
    assertThat(failure("worker:", "  blockingPoolSize: 0"))
        .hasMessage(file() + ":2: worker.blockingPoolSize: must be at least 1, got 0");
    assertThat(failure("queues:", "  reports:", "    blockingPoolSize: 0"))
        .hasMessage(file() + ":3: queues.reports.blockingPoolSize: must be at least 1, got 0");
    assertThat(failure("worker:", "  maxHeapAfterGc: 2"))
        .hasMessage(file() + ":2: worker.maxHeapAfterGc: must be a fraction of the maximum heap between 0 (off) and 1, got 2.0");
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledForJreRange(max = org.junit.jupiter.api.condition.JRE.JAVA_20)
  void virtualThreadsBeforeJava21AreAnErrorAtTheirLine() {
    assertThat(failure("worker:", "  virtualThreads: true"))
        .hasMessageStartingWith(file() + ":2: worker.virtualThreads: needs Java 21 or newer, and this is Java 17");
  }

  @Test
  void settingsThatOnlyFailTogetherNameTheWorkerSection() {
    assertThat(failure("worker:", "  heartbeatInterval: 20s", "  workerTimeout: 1m", "  leaderTtl: 1m"))
        .hasMessage(file() + ":1: worker: lease (30s) must be at least twice the heartbeat interval");
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheVariable() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> SpoolConfig.load(null, Map.of("SPOOL_WORKER_CONCURRENCY", "lots"), Map.of(), null));
    assertThat(e).hasMessage("env SPOOL_WORKER_CONCURRENCY: worker.concurrency: expected an integer, got 'lots'");
    assertThat(e.line()).isNull();
  }

  @Test
  void aBadOrUnknownFlagNamesTheFlag() {
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> SpoolConfig.load(null, Map.of(), Map.of("worker.concurrency", "0"), null)))
        .hasMessage("flag --worker.concurrency: worker.concurrency: must be at least 1, got 0");
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> SpoolConfig.load(null, Map.of(), Map.of("worker.batchSise", "5"), null)))
        .hasMessage("flag --worker.batchSise: worker.batchSise: unknown key (did you mean worker.batchSize?)");
  }

  @Test
  void anUnknownRetryExceptionClassNamesTheItemAndItsLine() {
    ConfigException e = failure(
        "tasks:",
        "  send-email:",
        "    retry:",
        "      giveUpOn:",
        "        - java.lang.IllegalArgumentException",
        "        - com.example.NoSuchException");
    assertThat(e).hasMessage(file() + ":6: tasks.send-email.retry.giveUpOn[1]: no class com.example.NoSuchException "
        + "on the class path");
    assertThat(failure("tasks:", "  send-email:", "    retry:", "      retryOn: [java.lang.String]"))
        .hasMessage(file() + ":4: tasks.send-email.retry.retryOn[0]: java.lang.String is not an exception (not a Throwable)");
  }

  @Test
  void anInvalidCronExpressionOrZoneNamesTheEntry() {
    ConfigException cron = failure(
        "periodic:",
        "  - name: nightly",
        "    task: report",
        "    cron: 61 * * * *");
    assertThat(cron.path()).isEqualTo("periodic[0].cron");
    assertThat(cron.line()).isEqualTo(4);
    assertThat(cron).hasMessageStartingWith(file() + ":4: periodic[0].cron: bad cron expression '61 * * * *'");

    assertThat(failure(
        "periodic:",
        "  - name: nightly",
        "    task: report",
        "    cron: 0 3 * * *",
        "    zone: Mars/Olympus_Mons"))
        .hasMessage(file() + ":5: periodic[0].zone: expected a time zone like UTC or Europe/Paris, got 'Mars/Olympus_Mons'");
  }

  @Test
  void aPeriodicEntryNeedsExactlyOneSchedule() {
    assertThat(failure(
        "periodic:",
        "  - name: nightly",
        "    task: report",
        "    cron: 0 3 * * *",
        "    every: 1h"))
        .hasMessage(file() + ":5: periodic[0]: give either cron or every, not both");
    assertThat(failure("periodic:", "  - name: nightly", "    task: report"))
        .hasMessage(file() + ":2: periodic[0]: periodic job 'nightly' needs a schedule: cron or every");
  }

  @Test
  void periodicEntriesNeedANameOfTheirOwnAndATask() {
    assertThat(failure("periodic:", "  - task: report", "    every: 1h"))
        .hasMessage(file() + ":2: periodic[0]: a periodic job needs a name");
    assertThat(failure("periodic:", "  - name: a", "    every: 1h"))
        .hasMessage(file() + ":2: periodic[0]: periodic job 'a' needs a task");
    assertThat(failure(
        "periodic:",
        "  - {name: a, task: report, every: 1h}",
        "  - {name: a, task: other, every: 2h}"))
        .hasMessage(file() + ":3: periodic[1].name: 'a' is already the name of periodic[0]");
  }

  @Test
  void anInvalidQueueNameNamesTheQueue() {
    String longName = "q".repeat(201);
    assertThat(failure("queues:", "  " + longName + ":", "    concurrency: 2"))
        .hasMessageStartingWith(file() + ":2: queues." + longName + ": queue must be 1..200 characters");
  }

  @Test
  void aFileThatDoesNotParseSaysWhereInOneLine() {
    ConfigException e = failure(
        "worker:",
        "  concurrency: 5",
        " batchSize: [1, 2");
    assertThat(e.getMessage()).startsWith(file() + ": does not parse: ").doesNotContain("\n").endsWith("at line 3");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.path()).isNull();
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    assertThat(failure("worker:", "  concurrency: 5", "  concurrency: 6"))
        .hasMessage(file() + ":3: worker.concurrency: duplicate key (first on line 2)");
  }

  @Test
  void aFileThatIsNotAMappingIsAnError() {
    assertThat(failure("- worker", "- database"))
        .hasMessage(file() + ":1: expected a mapping of sections (database:, worker:, ...), got a list");
  }

  @Test
  void aMissingFileIsAnError() {
    Path missing = dir.resolve("nope.yaml");
    assertThat(catchThrowableOfType(ConfigException.class, () -> load(missing))).hasMessage(missing + ": does not exist");
  }

  @Test
  void adminRangesAreCheckedHere() {
    assertThat(failure("admin:", "  port: 70000")).hasMessage(file() + ":2: admin.port: must be between 0 and 65535, got 70000");
    assertThat(failure("admin:", "  maxFailureRate: 1.5"))
        .hasMessage(file() + ":2: admin.maxFailureRate: must be between 0 and 1 (1 turns the check off), got 1.5");
    assertThat(failure("admin:", "  rateWindow: 500ms")).hasMessage(file() + ":2: admin.rateWindow: must be at least 1s, got 500ms");
  }
}
