package dev.spool.impl.claim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * How the floors of a keyed queue move: per key and priority, down through head scans only, up through the floors a
 * claim's answer names, and keys learnt from head scans and from the jobs claims bring.
 */
class KeyFrontierTest {

  private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 5, 12, 0, 0, 0, ZoneOffset.UTC);
  private static final OffsetDateTime FROM_HEAD = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final KeyFrontier frontier = new KeyFrontier(nanos::get, 1_000, 100, 3);

  @Test
  void untilAHeadScanLandsNothingIsKnownAndOneIsDueAtOnce() {
    assertThat(frontier.known()).isFalse();
    assertThat(frontier.pace().due()).isTrue();
    assertThat(frontier.bucketFloors()).isNull();
  }

  @Test
  void aHeadScanSetsEachKeysFloorsToItsEarliestJobButNoHigherThanTheMarginBeforeTheScan() {
    boolean news = scan(new String[] {"b", "a", "a", null}, new Short[] {0, 0, 5, 0},
        T.minusMinutes(10), null, T.plusHours(1), T.minusMinutes(3));

    assertThat(news).isTrue();
    assertThat(frontier.known()).isTrue();
    assertThat(frontier.keys()).containsExactly("a", "b");
    assertThat(frontier.priorities()).containsExactly((short) 0, (short) 5);
    // a: priority 0 had only jobs of other tasks, 5 is due in an hour; b has no job at 5, and the scan saw none
    assertThat(frontier.keyFloors()).containsExactly(T.minusSeconds(1), T.minusSeconds(1),
        T.minusMinutes(10), T.minusSeconds(1));
    assertThat(frontier.bucketFloors()).containsExactly(T.minusMinutes(3), T.minusSeconds(1));
  }

  @Test
  void aClaimsAnswerRaisesTheFloorsItNamesAndTeachesTheKeysOfItsJobs() {
    scan(new String[] {"a"}, new Short[] {0}, T.minusMinutes(10));

    frontier.raised("a", (short) 0, T.minusMinutes(1), frontier.scans());
    frontier.raised("a", (short) 0, T.minusMinutes(5), frontier.scans()); // floors never go down this way
    frontier.claimed("new", (short) 2);

    assertThat(frontier.keys()).containsExactly("a", "new");
    assertThat(frontier.priorities()).containsExactly((short) 0, (short) 2);
    // a key or priority first seen in a claim is read from its head until a floor is known
    assertThat(frontier.keyFloors()).containsExactly(T.minusMinutes(1), FROM_HEAD, FROM_HEAD, FROM_HEAD);
  }

  @Test
  void aClaimSentBeforeAHeadScanThatLoweredAFloorRaisesNothing() {
    scan(new String[] {"a"}, new Short[] {0}, T.minusMinutes(10));
    frontier.raised("a", (short) 0, T.minusMinutes(1), frontier.scans());
    int sentAfter = frontier.scans();

    nanos.addAndGet(1_000_000_000L);
    assertThat(scan(new String[] {"a"}, new Short[] {0}, T.minusMinutes(30))).isTrue(); // a rescued job, say
    frontier.raised("a", (short) 0, T.minusMinutes(1), sentAfter);

    assertThat(frontier.keyFloors()).containsExactly(T.minusMinutes(30));
  }

  @Test
  void aHeadScanThatFindsNothingNewSaysSoAndOnlyCapsTheFloors() {
    scan(new String[] {"a"}, new Short[] {0}, T.minusMinutes(10));
    frontier.raised("a", (short) 0, T.plusMinutes(1), frontier.scans()); // a claim's time, later than the scan's

    assertThat(scan(new String[] {"a"}, new Short[] {0}, T.plusMinutes(2))).isFalse();
    assertThat(frontier.keyFloors()).containsExactly(T.minusSeconds(1));
  }

  @Test
  void pastTheMostKeysKeptTheKeysTheLastHeadScanDidNotFindAreForgottenFirst() {
    scan(new String[] {"b", "d"}, new Short[] {0, 0}, T, T);
    frontier.claimed("a", (short) 0);
    frontier.claimed("c", (short) 0);
    frontier.claimDone();

    assertThat(frontier.keys()).containsExactly("b", "c", "d");
  }

  @Test
  void aSerialKeysIdFloorRisesToTheFirstOpenJobAClaimFoundAndAHeadScanLowersIt() {
    frontier.headScanned(new String[] {"a"}, new Short[] {0}, new OffsetDateTime[] {T}, new Long[] {10L}, T, T);
    assertThat(frontier.keyIdFloors()).containsExactly(10L);

    frontier.raisedId("a", 42, frontier.scans());
    frontier.raisedId("b", 7, frontier.scans()); // a key first met in a claim
    assertThat(frontier.keys()).containsExactly("a", "b");
    assertThat(frontier.keyIdFloors()).containsExactly(42L, 7L);

    // a job of a's enqueued in a transaction that committed late: its id is below the floor, and the scan finds it
    assertThat(frontier.headScanned(new String[] {"a"}, new Short[] {0}, new OffsetDateTime[] {T}, new Long[] {30L},
        T, T)).isTrue();
    assertThat(frontier.keyIdFloors()).containsExactly(30L, 7L);
  }

  @Test
  void headScansWaitTwentyTimesTheirOwnDurationButAtLeastTheShortestPause() {
    frontier.pace().started();
    assertThat(frontier.pace().due()).isFalse(); // one at a time
    frontier.headScanned(null, null, null, null, T, T.plusNanos(50_000_000)); // 50 ms in the database
    assertThat(frontier.pace().dueInMs()).isEqualTo(1_000);
    frontier.pace().started();
    frontier.pace().failed();
    assertThat(frontier.pace().dueInMs()).isEqualTo(100);
  }

  /** A head scan at T: rows of key, priority, first run_at. */
  private boolean scan(String[] keys, Short[] priorities, OffsetDateTime... firstRunAts) {
    return frontier.headScanned(keys, priorities, firstRunAts, null, T, T);
  }
}
