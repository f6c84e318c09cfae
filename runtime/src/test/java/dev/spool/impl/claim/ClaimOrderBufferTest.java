package dev.spool.impl.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.job.ClaimedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prefetch buffer hands jobs out in claim order across claims, whatever order the claims came in. */
class ClaimOrderBufferTest {

  static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

  static ClaimedJob job(long id, int priority, long runAtSeconds) {
    return new ClaimedJob(null, id, "default", "t", new byte[0], priority, 1, 20, null, null,
        T0.plusSeconds(runAtSeconds), T0);
  }

  static List<Long> drain(ClaimOrderBuffer buffer) {
    List<Long> ids = new ArrayList<>();
    for (ClaimedJob job = buffer.poll(); job != null; job = buffer.poll()) {
      ids.add(job.id());
    }
    return ids;
  }

  @Test
  void laterClaimsQueueBehindEarlierOnes() {
    ClaimOrderBuffer buffer = new ClaimOrderBuffer(Producer.CLAIM_ORDER);
    buffer.addSorted(List.of(job(1, 0, 1), job(2, 0, 2)));
    buffer.addSorted(List.of(job(3, 0, 3), job(4, 0, 4)));
    assertThat(drain(buffer)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aRescuedJobOrAHigherPriorityGoesAheadOfWhatWasPrefetched() {
    ClaimOrderBuffer buffer = new ClaimOrderBuffer(Producer.CLAIM_ORDER);
    buffer.addSorted(List.of(job(10, 0, 10), job(11, 0, 11), job(12, 0, 12)));
    buffer.addSorted(List.of(job(5, 0, 1), job(13, 0, 11), job(14, 0, 20))); // 5 was rescued: due long ago
    buffer.add(job(20, -1, 30)); // a higher priority
    assertThat(buffer.size()).isEqualTo(7);
    assertThat(drain(buffer)).containsExactly(20L, 5L, 10L, 11L, 13L, 12L, 14L);
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void aJobCanBeTakenOutFromTheMiddle() {
    ClaimOrderBuffer buffer = new ClaimOrderBuffer(Producer.CLAIM_ORDER);
    ClaimedJob middle = job(2, 0, 2);
    buffer.addSorted(List.of(job(1, 0, 1), middle, job(3, 0, 3)));
    assertThat(buffer.remove(middle)).isTrue();
    assertThat(drain(buffer)).containsExactly(1L, 3L);
  }
}
