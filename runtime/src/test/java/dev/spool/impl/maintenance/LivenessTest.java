package dev.spool.impl.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A worker claims and starts jobs only while the rescuer cannot have declared it dead, judged from the
 * heartbeats the database confirmed (worker timeout 5 s, heartbeat every 1 s: alive until a confirmed
 * beat's send + 4 s).
 */
class LivenessTest {

  private static final long S = 1_000_000_000L;
  private final AtomicInteger regained = new AtomicInteger();
  private final Liveness liveness = new Liveness(Duration.ofSeconds(5), Duration.ofSeconds(1))
      .onRegained(regained::incrementAndGet);

  @Test
  void aWorkerIsNotAliveBeforeItsFirstBeatIsConfirmed() {
    assertThat(liveness.isAlive(0)).isFalse();
    liveness.confirmed(0, S / 100);
    assertThat(liveness.isAlive(S)).isTrue();
    assertThat(regained).hasValue(0);
  }

  @Test
  void aWorkerWhoseBeatsAreConfirmedStaysAlive() {
    for (long t = 0; t < 60; t++) {
      liveness.confirmed(t * S, t * S + S / 50);
      assertThat(liveness.isAlive(t * S + S / 2)).isTrue();
    }
    assertThat(regained).hasValue(0);
  }

  @Test
  void aWorkerWithNoConfirmedBeatForTheWorkerTimeoutLessOneIntervalIsNotAlive() {
    liveness.confirmed(0, S / 100);
    assertThat(liveness.isAlive(4 * S - 1)).isTrue();
    assertThat(liveness.isAlive(4 * S)).isFalse();
  }

  @Test
  void beatsSentBeforeAPartitionAndConfirmedAfterItDoNotMakeTheWorkerAliveAgain() {
    liveness.confirmed(0, S / 100);
    // the link black-holes at 0.5 s; beats sent at 1 s .. 30 s wait in socket buffers until it heals at 31 s
    assertThat(liveness.isAlive(10 * S)).isFalse();
    liveness.confirmed(1 * S, 31 * S);
    liveness.confirmed(2 * S, 31 * S);
    assertThat(liveness.isAlive(31 * S)).isFalse();
    assertThat(regained).hasValue(0);
    // the first beat sent after the heal is the proof
    liveness.confirmed(31 * S + S / 2, 31 * S + S / 2 + S / 100);
    assertThat(liveness.isAlive(32 * S)).isTrue();
    assertThat(regained).hasValue(1);
  }

  @Test
  void aFrozenWorkerThatNobodyAskedMeanwhileStillLearnsOfItsLapse() {
    liveness.confirmed(0, S / 100);
    // SIGSTOP at 0.5 s, SIGCONT at 30.5 s: the beat sent at 30.5 s is confirmed at once
    liveness.confirmed(30 * S + S / 2, 30 * S + S / 2 + S / 100);
    assertThat(regained).hasValue(1);
    assertThat(liveness.isAlive(31 * S)).isTrue();
  }

  @Test
  void aFailedBeatShortensTheWindowToTwoIntervalsAsTheSessionMayBeGone() {
    liveness.confirmed(0, S / 100);
    liveness.beatFailed();
    assertThat(liveness.isAlive(2 * S - 1)).isTrue();
    assertThat(liveness.isAlive(2 * S)).isFalse();
    liveness.confirmed(3 * S, 3 * S + S / 100);
    assertThat(liveness.isAlive(4 * S)).isTrue();
    assertThat(regained).hasValue(1);
  }

  @Test
  void aLivenessForProducersWithoutAHeartbeatNeverLapses() {
    assertThat(Liveness.always().isAlive(System.nanoTime() + 3600 * S)).isTrue();
  }
}
