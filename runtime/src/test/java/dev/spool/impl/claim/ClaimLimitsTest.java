package dev.spool.impl.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.WorkerOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a limited claim tells the frontier ({@link ClaimLimits#frontierBatch}): floors move after it only as far as
 * the claim saw every due job below them, which a limit that cut it short may deny.
 */
class ClaimLimitsTest {

  private static final Set<String> TASKS = Set.of("t", "u");

  @Test
  void aClaimNoLimitCutShortIsAPlainClaimOfTheBatchItAskedFor() {
    assertThat(queueLimited().frontierBatch(10, 3, false)).isEqualTo(10); // short: it took all it saw
    assertThat(taskLimited().frontierBatch(10, 10, false)).isEqualTo(10);
  }

  @Test
  void aClaimCutShortByTheQueuesLimitsIsAFullBatchOfWhatItTook() {
    // it took the first 4 due jobs in claim order: the floors below the last one may rise, as after a full batch
    assertThat(queueLimited().frontierBatch(10, 4, true)).isEqualTo(4);
  }

  @Test
  void aClaimCutShortThatTookNothingMovesNoFloor() {
    assertThat(queueLimited().frontierBatch(10, 0, true)).isZero();
  }

  @Test
  void aClaimCutShortWithTaskRateLimitsMovesNoFloor() {
    // a limited task's jobs may sit below the jobs of other tasks it took
    assertThat(taskLimited().frontierBatch(10, 4, true)).isZero();
  }

  @Test
  void aKeyedQueueHasNoParametersForFloors() {
    ClaimLimits keyed = ClaimLimits.of(new WorkerOptions().setQueues("q")
        .setQueueOptions("q", new QueueOptions().setFair(true)), "q", TASKS);

    assertThat(keyed.isKeyed()).isTrue();
    assertThat(queueLimited().isKeyed()).isFalse();
    assertThatThrownBy(() -> keyed.params("q", new String[] {"t"}, 10, "me", 1.0, new Short[0],
        new java.time.OffsetDateTime[0])).isInstanceOf(IllegalStateException.class);
  }

  private static ClaimLimits queueLimited() {
    return ClaimLimits.of(new WorkerOptions().setQueues("q").setQueueOptions("q",
        new QueueOptions().setGlobalConcurrency(2).setRateLimit(RateLimit.perSecond(5))), "q", TASKS);
  }

  private static ClaimLimits taskLimited() {
    return ClaimLimits.of(new WorkerOptions().setQueues("q").setTaskRateLimit("t", RateLimit.perSecond(5)), "q", TASKS);
  }
}
