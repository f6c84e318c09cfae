package dev.spool.test;

import static dev.spool.test.impl.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spool.EnqueueOptions;
import dev.spool.PeriodicJob;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.WorkerOptions;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** advance moves test time forward: scheduled jobs and backoffs fall due without sleeping. */
@SpoolTest
class TestTimeTest {

  static final Task<JsonObject> REMIND = Task.json("remind");

  @Test
  void aJobScheduledForTomorrowRunsOnceTimeHasMovedADay(SpoolTester spool) {
    spool.register(REMIND, (args, ctx) -> Future.succeededFuture());
    result(spool.client().enqueue(REMIND, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofDays(1))));

    assertThat(spool.drain("default").outcomes()).isEmpty();
    spool.advance(Duration.ofHours(23));
    assertThat(spool.drain("default").outcomes()).isEmpty();
    spool.advance(Duration.ofHours(1));
    assertThat(spool.drain("default").completed()).isEqualTo(1);
  }

  @Test
  void aRetryRunsOnceTimeHasPassedItsBackoff(SpoolTester spool) {
    AtomicInteger runs = new AtomicInteger();
    spool.register(REMIND, (args, ctx) -> runs.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("smtp down")) : Future.succeededFuture());
    result(spool.client().enqueue(REMIND, new JsonObject()));

    JobOutcome retried = spool.drain("default").outcomes().get(0);
    assertThat(retried.kind()).isEqualTo(JobOutcome.Kind.RETRIED);
    spool.assertEnqueued(JobMatch.task(REMIND).runAt(retried.runAgainAt(), Duration.ofMillis(500)));
    assertThat(spool.drain("default").outcomes()).isEmpty();

    spool.advance(retried.delay());
    assertThat(spool.drain("default").outcomes()).extracting(JobOutcome::kind, JobOutcome::attempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(JobOutcome.Kind.COMPLETED, 2));
  }

  @Test
  void theSqlClockAndSpoolsClockMoveTogetherAndResetToRealTime(SpoolTester spool) {
    Instant sqlBefore = spool.now();

    spool.advance(Duration.ofDays(3));

    assertThat(spool.now()).isCloseTo(sqlBefore.plus(Duration.ofDays(3)), within(2, ChronoUnit.SECONDS));
    assertThat(spool.clock().instant()).isCloseTo(spool.now(), within(2, ChronoUnit.SECONDS));
    assertThat(spool.spool().clock().instant()).isCloseTo(spool.now(), within(2, ChronoUnit.SECONDS));
    spool.reset();
    assertThat(spool.now()).isCloseTo(Instant.now(), within(2, ChronoUnit.SECONDS));
    assertThat(spool.clock().instant()).isCloseTo(Instant.now(), within(2, ChronoUnit.SECONDS));
  }

  @Test
  void enqueuesReadTestTime(SpoolTester spool) {
    spool.advance(Duration.ofDays(30));

    result(spool.client().enqueue(REMIND, new JsonObject(), new EnqueueOptions().setDelay(Duration.ofHours(2))));

    spool.assertEnqueued(JobMatch.task(REMIND).runAt(Instant.now().plus(Duration.ofDays(30)).plus(Duration.ofHours(2)),
        Duration.ofSeconds(5)));
  }

  @Test
  void aRateWindowPassesWithTheClock(SpoolTester spool) {
    spool.register(REMIND, (args, ctx) -> Future.succeededFuture());
    for (int i = 0; i < 5; i++) {
      result(spool.client().enqueue(REMIND, new JsonObject().put("n", i), new EnqueueOptions().setQueue("sms")));
    }
    DrainOptions twoAMinute = DrainOptions.untilIdle().setLimits(new WorkerOptions().setQueues("sms")
        .setQueueOptions("sms", new QueueOptions().setRateLimit(RateLimit.perMinute(2))));

    assertThat(spool.drain("sms", twoAMinute).completed()).isEqualTo(2);
    assertThat(spool.drain("sms", twoAMinute).completed()).isZero();
    spool.advance(Duration.ofSeconds(59));
    assertThat(spool.drain("sms", twoAMinute).completed()).isZero();
    spool.advance(Duration.ofSeconds(2));
    assertThat(spool.drain("sms", twoAMinute).completed()).isEqualTo(2);
  }

  @Test
  void aPeriodicJobsSlotsAreEnqueuedAsTimeReachesThem(SpoolTester spool) {
    spool.periodic(PeriodicJob.every("hourly-digest", Duration.ofHours(1), REMIND, new JsonObject().put("digest", true)));
    spool.refuteEnqueued(JobMatch.task(REMIND));

    spool.advance(Duration.ofHours(1));
    assertThat(spool.allEnqueued(JobMatch.task(REMIND))).hasSize(1);
    spool.advance(Duration.ofHours(3));
    assertThat(spool.allEnqueued(JobMatch.task(REMIND).args(new JsonObject().put("digest", true)))).hasSize(4);
  }

  @Test
  void timeOnlyMovesForward(SpoolTester spool) {
    assertThatThrownBy(() -> spool.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test time only moves forward, got PT-1S");
  }
}
