package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void delaysGrowByTheFactorUpToTheCap() {
    RetryPolicy policy = new RetryPolicy().setBase(Duration.ofSeconds(1)).setFactor(3).setMaxDelay(Duration.ofSeconds(20))
        .setJitter(0);
    assertThat(policy.delayAfter(1, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delayAfter(2, 0.5)).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delayAfter(3, 0.5)).isEqualTo(Duration.ofSeconds(9));
    assertThat(policy.delayAfter(4, 0.5)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.delayAfter(40, 0.5)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void jitterSpreadsTheDelayWithinItsBand() {
    RetryPolicy policy = new RetryPolicy().setBase(Duration.ofSeconds(10)).setJitter(0.2);
    assertThat(policy.delayAfter(1, 0.0)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.delayAfter(1, 0.5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayAfter(1, 0.9999)).isBetween(Duration.ofMillis(11_990), Duration.ofSeconds(12));
  }

  @Test
  void giveUpRulesWinOverRetryRules() {
    RetryPolicy policy = new RetryPolicy().retryOn(IOException.class).giveUpOn(java.io.FileNotFoundException.class);
    assertThat(policy.isRetryable(new IOException("flaky"))).isTrue();
    assertThat(policy.isRetryable(new java.io.FileNotFoundException("gone"))).isFalse();
    assertThat(policy.isRetryable(new IllegalStateException("not an IO error"))).isFalse();
    assertThat(new RetryPolicy().isRetryable(new GiveUpException("never"))).isFalse();
    assertThat(new RetryPolicy().isRetryable(new UncheckedIOException(new IOException()))).isTrue();
  }

  @Test
  void roundTripsThroughJson() {
    RetryPolicy policy = new RetryPolicy().setBase(Duration.ofMillis(250)).setFactor(1.5).setJitter(0.3)
        .giveUpOn(IllegalArgumentException.class);
    RetryPolicy copy = new RetryPolicy(policy.toJson());
    assertThat(copy.toJson()).isEqualTo(policy.toJson());
    assertThat(copy.isRetryable(new IllegalArgumentException())).isFalse();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy().setFactor(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy().setJitter(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy().setBase(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
