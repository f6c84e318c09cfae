package dev.spool.examples.nightly;

import static dev.spool.examples.nightly.NightlyCronExample.SALES_REPORT;
import static dev.spool.examples.nightly.NightlyCronExample.SEARCH_INDEX;
import static dev.spool.examples.nightly.NightlyCronExample.night;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Task;
import dev.spool.examples.nightly.NightlyCronExample.Run;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NightlyCronExampleTest extends SpoolTestBase {

  @Test
  void afterThreeNightsDownAllRunsEachMissedNightOnceAndLatestOnlyTheLast() throws Exception {
    NightlyCronExample example = new NightlyCronExample(TestDatabase.uri(), schema);
    example.run(3);

    assertThat(slots(example, SALES_REPORT, 1)).containsExactly(night(1));
    assertThat(slots(example, SALES_REPORT, 2)).containsExactly(night(2), night(3), night(4));
    assertThat(slots(example, SEARCH_INDEX, 1)).containsExactly(night(1));
    assertThat(slots(example, SEARCH_INDEX, 2)).containsExactly(night(4));
    assertThat(example.runs()).hasSize(6);
    assertThat(example.nights(3)).containsExactly(
        "night of           daily-sales-report (ALL)     rebuild-search-index (LATEST)",
        "Mon 2 Jun 02:00    deployment 1                 deployment 1",
        "Tue 3 Jun 02:00    deployment 2 (caught up)     not run",
        "Wed 4 Jun 02:00    deployment 2 (caught up)     not run",
        "Thu 5 Jun 02:00    deployment 2 (caught up)     deployment 2 (caught up)",
        "No slot ran twice.");

    // every job ran and was deleted; the last slot handled is night 4 for both
    eventually(Duration.ofSeconds(10), () -> count("true") == 0);
    for (Row row : sql("select name, last_slot from {schema}.periodic_jobs")) {
      assertThat(row.getOffsetDateTime(1).toInstant()).as(row.getString(0)).isEqualTo(night(4));
    }
  }

  @Test
  void nightsOlderThanTheCatchUpWindowAreNotCaughtUp() throws Exception {
    NightlyCronExample example = new NightlyCronExample(TestDatabase.uri(), schema);
    example.run(10); // nights 2 to 11 missed; the 7-day window reaches back from the restart to night 5

    List<Instant> lastSeven = IntStream.rangeClosed(5, 11).mapToObj(NightlyCronExample::night).toList();
    assertThat(slots(example, SALES_REPORT, 2)).containsExactlyElementsOf(lastSeven);
    assertThat(slots(example, SEARCH_INDEX, 2)).containsExactly(night(11));
    assertThat(example.nights(10)).filteredOn(line -> line.startsWith("Wed 4 Jun"))
        .containsExactly("Wed 4 Jun 02:00    not run                      not run");
  }

  @Test
  void aFurtherRestartRunsNoSlotAgain() throws Exception {
    NightlyCronExample example = new NightlyCronExample(TestDatabase.uri(), schema);
    example.run(2);
    assertThat(example.runs()).hasSize(5); // night 1 of both, nights 2 and 3 of the report, night 3 of the index
    Instant before = lastLook();

    Vertx third = example.start(3, NightlyCronExample.restart(2).plus(Duration.ofHours(1)));
    try {
      // the third deployment's leader has looked at both periodic jobs; a slot it enqueued would run within a second
      eventually(Duration.ofSeconds(10), () -> lastLook().isAfter(before) && firstLook().isAfter(before));
      Thread.sleep(1000);
    } finally {
      example.stop(third);
    }
    assertThat(example.runs()).hasSize(5).extracting(Run::deployment).doesNotContain(3);
    assertThat(count("true")).isZero();
  }

  /** When the leader last locked a periodic job's row, the earliest and the latest of the two. */
  private Instant firstLook() {
    return sql("select min(updated_at) from {schema}.periodic_jobs").iterator().next().getOffsetDateTime(0).toInstant();
  }

  private Instant lastLook() {
    return sql("select max(updated_at) from {schema}.periodic_jobs").iterator().next().getOffsetDateTime(0).toInstant();
  }

  /** The slots a deployment ran a job for, in the order of the slots (a slot run twice is listed twice). */
  private static List<Instant> slots(NightlyCronExample example, Task<?> task, int deployment) {
    return example.runs().stream().filter(r -> r.task().equals(task.name()) && r.deployment() == deployment)
        .map(Run::slot).sorted().toList();
  }
}
