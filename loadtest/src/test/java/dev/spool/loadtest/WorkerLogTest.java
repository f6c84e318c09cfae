package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What {@code upgrade} counts as errors and warnings in a worker's output: one per record, whatever its stack
 * trace; a warning's exception is that warning; an exception printed on its own is an error.
 */
class WorkerLogTest {

  private final WorkerLog log = new WorkerLog("old 1@host");

  @Test
  void aWarningWithItsStackTraceIsOneWarning() {
    lines("Dec 05, 2026 4:27:36 AM io.vertx.core.impl.BlockedThreadChecker",
        "WARNING: Thread vert.x-eventloop-thread-0 has been blocked for 2761 ms, time limit is 2000 ms",
        "io.vertx.core.VertxException: Thread blocked",
        "\tat java.base/java.lang.Thread.sleep(Native Method)",
        "Caused by: java.lang.IllegalStateException: inner",
        "\t... 5 more");
    assertThat(log.warnings()).isEqualTo(1);
    assertThat(log.errors()).isZero();
  }

  @Test
  void aSevereRecordAndAnExceptionOnItsOwnAreErrors() {
    lines("Dec 05, 2026 4:27:36 AM dev.spool.impl.worker.Worker claim",
        "SEVERE: claim failed",
        "io.vertx.pgclient.PgException: ERROR: column \"x\" does not exist (42703)",
        "\tat dev.spool.impl.worker.Worker.claim(Worker.java:1)",
        "stopping: finishing running jobs and handing back the rest",
        "java.lang.IllegalStateException: printed by a shutdown hook",
        "\tat dev.spool.cli.WorkerCommand.call(WorkerCommand.java:1)");
    assertThat(log.errors()).isEqualTo(2);
    assertThat(log.warnings()).isZero();
    assertThat(log.samples()).containsExactly("old 1@host: SEVERE: claim failed",
        "old 1@host: java.lang.IllegalStateException: printed by a shutdown hook");
  }

  @Test
  void infoRecordsAndPlainLinesCountForNothingButAreKept() {
    lines("spool worker 1@host: 1 verticles on queues [default], tasks [upgrade.record]",
        "Dec 05, 2026 4:33:04 AM dev.spool.impl.leader.Elector lambda$attempt$1",
        "INFO: 1@host/1 is now leader of maintenance",
        "stopped; completed 1134 jobs");
    assertThat(log.errors()).isZero();
    assertThat(log.warnings()).isZero();
    assertThat(log.lines()).hasSize(4);
  }

  private void lines(String... lines) {
    for (String line : lines) {
      log.line(line);
    }
  }
}
