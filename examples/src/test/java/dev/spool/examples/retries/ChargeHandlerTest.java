package dev.spool.examples.retries;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueOptions;
import dev.spool.GiveUpException;
import dev.spool.JobTimeoutException;
import dev.spool.examples.retries.FakePaymentApi.Behaviour;
import dev.spool.test.DrainOptions;
import dev.spool.test.DrainResult;
import dev.spool.test.JobOutcome;
import dev.spool.test.PerformOptions;
import dev.spool.test.SpoolTest;
import dev.spool.test.SpoolTester;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The charge handler against the misbehaving API, with the example's options, run by the test kit. */
@SpoolTest
class ChargeHandlerTest {

  /** A generous limit of the job's own, where a test is about the API's answer, not the call's timeout. */
  static final PerformOptions UNHURRIED = new PerformOptions().setTimeout(Duration.ofSeconds(30));

  static FakePaymentApi api;

  @BeforeAll
  static void startTheApi(SpoolTester spool) {
    api = await(new FakePaymentApi().start(spool.vertx()));
    FlakyApiExample.ORDERS.forEach(api::behave);
    spool.register(FlakyApiExample.CHARGE, new ChargeHandler(spool.vertx().createHttpClient(), api.port()),
        FlakyApiExample.chargeOptions());
  }

  @AfterAll
  static void stopTheApi() {
    await(api.stop());
  }

  @Test
  void aChargeTheApiAcceptsCompletesWithItsAnswer(SpoolTester spool) {
    JobOutcome outcome = spool.perform(FlakyApiExample.CHARGE, new Charge("order-ok", 4200), UNHURRIED);

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.COMPLETED);
    assertThat(outcome.result()).isNull(); // a task of a record codec keeps no result
    assertThat(api.calls("order-ok")).isEqualTo(1);
  }

  @Test
  void a503IsRetriedAfterTheBackoffOfItsAttempt(SpoolTester spool) {
    api.behave("order-503", Behaviour.FLAKY);

    JobOutcome first = spool.perform(FlakyApiExample.CHARGE, new Charge("order-503", 100), UNHURRIED);
    JobOutcome second = spool.perform(FlakyApiExample.CHARGE, new Charge("order-503", 100),
        new PerformOptions().setAttempt(2).setTimeout(UNHURRIED.getTimeout()));

    assertThat(first.kind()).isEqualTo(JobOutcome.Kind.RETRIED);
    assertThat(first.delay()).isBetween(Duration.ofMillis(180), Duration.ofMillis(220));
    assertThat(second.delay()).isBetween(Duration.ofMillis(360), Duration.ofMillis(440));
    assertThat(first.error().getString("message")).startsWith("payment API answered 503");
  }

  @Test
  void a422IsDeadAtOnce(SpoolTester spool) {
    JobOutcome outcome = spool.perform(FlakyApiExample.CHARGE, new Charge("order-declined", 4200));

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.DEAD);
    assertThat(outcome.failure()).isInstanceOf(GiveUpException.class).hasMessageContaining("422");
  }

  @Test
  void aCallThatHangsIsCutOffAtItsTimeoutAndDeadOnItsLastAttempt(SpoolTester spool) {
    PerformOptions last = new PerformOptions().setAttempt(FlakyApiExample.MAX_ATTEMPTS)
        .setMaxAttempts(FlakyApiExample.MAX_ATTEMPTS);

    JobOutcome outcome = spool.perform(FlakyApiExample.CHARGE, new Charge("order-hangs", 4200), last);

    assertThat(outcome.kind()).isEqualTo(JobOutcome.Kind.DEAD);
    assertThat(outcome.failure()).isInstanceOf(JobTimeoutException.class);
  }

  @Test
  void drainedUntilIdleEveryOrderEndsAsTheExampleShows(SpoolTester spool) {
    for (String order : FlakyApiExample.ORDERS.keySet()) {
      await(spool.client().enqueue(FlakyApiExample.CHARGE, new Charge(order + "-drained", 4200),
          new EnqueueOptions().setMaxAttempts(FlakyApiExample.MAX_ATTEMPTS)));
      api.behave(order + "-drained", FlakyApiExample.ORDERS.get(order));
    }

    // the backoffs are run at once (includeScheduled): no sleeping between attempts
    DrainResult drained = spool.drain("default", DrainOptions.untilIdle().setIncludeScheduled(true));

    assertThat(drained.completed()).isEqualTo(2);
    assertThat(drained.dead()).isEqualTo(2);
    assertThat(drained.retried()).isEqualTo(FakePaymentApi.FLAKY_FAILURES + FlakyApiExample.MAX_ATTEMPTS - 1);
    assertThat(spool.allEnqueued()).isEmpty();
  }
}
