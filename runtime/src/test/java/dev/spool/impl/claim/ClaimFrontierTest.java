package dev.spool.impl.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.job.ClaimedJob;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the floors move: up after claims that took all they could see, down through head scans only. */
class ClaimFrontierTest {

  private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 5, 12, 0, 0, 0, ZoneOffset.UTC);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ClaimFrontier frontier = new ClaimFrontier(nanos::get, 1_000, 100);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void untilAHeadScanLandsNothingIsKnownAndOneIsDueAtOnce() {
    assertThat(frontier.known()).isFalse();
    assertThat(frontier.pace().due()).isTrue();
  }

  @Test
  void anEmptyQueueGivesNoFloorsAndClaimsGoOnReadingFromTheHead() {
    assertThat(scan(null)).isFalse();
    assertThat(frontier.known()).isFalse();
    assertThat(scan(new Short[] {0}, T)).isTrue();
    assertThat(frontier.known()).isTrue();
  }

  @Test
  void aHeadScanSetsEachFloorToItsEarliestJobButNoHigherThanTheMarginBeforeTheScan() {
    boolean news = scan(new Short[] {0, 3, 5}, T.minusMinutes(10), null, T.plusHours(1));

    assertThat(news).isTrue();
    assertThat(frontier.priorities()).containsExactly((short) 0, (short) 3, (short) 5);
    assertThat(frontier.floorTimes()).containsExactly(T.minusMinutes(10), T.minusSeconds(1), T.minusSeconds(1));
  }

  @Test
  void aShortBatchRaisesEveryFloorToTheClaimsTimeLessTheMargin() {
    scan(new Short[] {0, 3}, T.minusMinutes(10), T.minusMinutes(5));
    nanos.addAndGet(5_000_000_000L); // five seconds on
    long sentAt = frontier.sentAt();

    frontier.claimed(List.of(job(0, T.minusMinutes(10))), 10, sentAt, frontier.scans());

    OffsetDateTime claimTime = T.plusSeconds(5);
    assertThat(frontier.floorTimes()).containsExactly(claimTime.minusSeconds(1), claimTime.minusSeconds(1));
  }

  @Test
  void aFullBatchRaisesThePrioritiesBeforeItsLastAndTheLastUpToItsLastJob() {
    scan(new Short[] {0, 3, 5}, T.minusMinutes(10), T.minusMinutes(10), T.minusMinutes(10));
    nanos.addAndGet(5_000_000_000L);
    long sentAt = frontier.sentAt();

    frontier.claimed(List.of(job(0, T.minusMinutes(9)), job(3, T.minusMinutes(8))), 2, sentAt, frontier.scans());

    assertThat(frontier.floorTimes())
        .containsExactly(T.plusSeconds(4), T.minusMinutes(8), T.minusMinutes(10)); // 5 untouched
  }

  @Test
  void aPriorityAClaimFromTheHeadTookIsReadFromAFloorAfterwards() {
    scan(null); // the queue looked empty: its jobs are claimed as they come
    nanos.addAndGet(5_000_000_000L);

    frontier.claimed(List.of(job(2, T.plusSeconds(4))), 10, frontier.sentAt(), frontier.scans());

    assertThat(frontier.known()).isTrue();
    assertThat(frontier.priorities()).containsExactly((short) 2);
    assertThat(frontier.floorTimes()).containsExactly(T.plusSeconds(4));
  }

  @Test
  void aClaimSentBeforeAHeadScanLandedDoesNotUndoWhatTheScanLowered() {
    scan(new Short[] {0}, T);
    long sentAt = frontier.sentAt();
    int scansThen = frontier.scans();
    scan(new Short[] {0}, T.minusHours(1)); // a job handed back an hour below the floor

    frontier.claimed(List.of(), 10, sentAt, scansThen);

    assertThat(frontier.floorTimes()).containsExactly(T.minusHours(1));
  }

  @Test
  void floorsGoDownOnlyThroughAHeadScanAndThenItSaysSo() {
    scan(new Short[] {0}, T);
    assertThat(scan(new Short[] {0}, T)).isFalse(); // nothing new
    assertThat(scan(new Short[] {0, 2}, T, T)).isTrue(); // a priority not seen before
    assertThat(scan(new Short[] {0, 2}, T.minusMinutes(1), T)).isTrue(); // a job below a floor
    assertThat(scan(null)).isFalse(); // an empty queue: the floors stay, capped by the scan's time
    assertThat(frontier.priorities()).containsExactly((short) 0, (short) 2);
  }

  @Test
  void theNextHeadScanWaitsTwentyTimesTheLastOnesDurationAndAtLeastTheMinimum() {
    frontier.pace().started();
    assertThat(frontier.pace().due()).isFalse(); // one at a time
    nanos.addAndGet(900_000_000L); // 900 ms on the way, of which 300 ms in the database, as with a held horizon
    frontier.headScanned(new Short[] {0}, new OffsetDateTime[] {T}, T.minusNanos(300_000_000L), T);
    nanos.addAndGet(5_900_000_000L);
    assertThat(frontier.pace().due()).isFalse();
    nanos.addAndGet(100_000_000L);
    assertThat(frontier.pace().due()).isTrue();

    frontier.pace().started();
    nanos.addAndGet(40_000_000L); // 40 ms on the way, 1 ms of it in the database: a clean index
    frontier.headScanned(new Short[] {0}, new OffsetDateTime[] {T}, T.minusNanos(1_000_000L), T);
    assertThat(frontier.pace().dueInMs()).isEqualTo(100);
  }

  /** A head scan that ends at T on the database's clock (and at the frontier's current nanoTime). */
  private boolean scan(Short[] priorities, OffsetDateTime... firstRunAts) {
    frontier.pace().started();
    return frontier.headScanned(priorities, priorities == null ? null : firstRunAts, T, T);
  }

  private ClaimedJob job(int priority, OffsetDateTime runAt) {
    Instant at = runAt.toInstant();
    return new ClaimedJob(vertx, 1, "q", "t", new byte[0], priority, 1, 1, null, null, at, at);
  }
}
