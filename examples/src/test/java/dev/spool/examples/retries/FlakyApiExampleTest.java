package dev.spool.examples.retries;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.GiveUpException;
import dev.spool.Job;
import dev.spool.JobState;
import dev.spool.JobTimeoutException;
import dev.spool.SpoolOptions;
import dev.spool.testing.SpoolTestBase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlakyApiExampleTest extends SpoolTestBase {

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true); // as the example's main runs it
  }

  @Test
  void eachFailureEndsAsTheRetryPolicySays() {
    FakePaymentApi api = new FakePaymentApi();
    FlakyApiExample.ORDERS.forEach(api::behave);

    Map<String, Job> outcome = await(FlakyApiExample.run(vertx, spool, api));

    Job ok = outcome.get("order-ok");
    assertThat(ok.state()).isEqualTo(JobState.COMPLETED);
    assertThat(ok.attempt()).isEqualTo(1);

    Job flaky = outcome.get("order-flaky");
    assertThat(flaky.state()).isEqualTo(JobState.COMPLETED);
    assertThat(flaky.attempt()).isEqualTo(FakePaymentApi.FLAKY_FAILURES + 1);
    assertThat(api.calls("order-flaky")).isEqualTo(3);

    Job hangs = outcome.get("order-hangs");
    assertThat(hangs.state()).isEqualTo(JobState.DEAD);
    assertThat(hangs.attempt()).isEqualTo(FlakyApiExample.MAX_ATTEMPTS);
    assertThat(hangs.lastError().getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(api.calls("order-hangs")).isEqualTo(FlakyApiExample.MAX_ATTEMPTS);

    Job declined = outcome.get("order-declined");
    assertThat(declined.state()).isEqualTo(JobState.DEAD);
    assertThat(declined.attempt()).isEqualTo(1);
    assertThat(declined.lastError().getString("class")).isEqualTo(GiveUpException.class.getName());
    assertThat(declined.lastError().getString("message")).contains("422", "card declined");
    assertThat(api.calls("order-declined")).isEqualTo(1);
  }

  @Test
  void theDeadLetterQueueKeepsTheDeadJobsWithTheirErrors() {
    FakePaymentApi api = new FakePaymentApi();
    FlakyApiExample.ORDERS.forEach(api::behave);
    await(FlakyApiExample.run(vertx, spool, api));

    assertThat(count("state = 'dead'")).isEqualTo(2);
    assertThat(count("state = 'dead' and last_error is not null and finished_at is not null")).isEqualTo(2);
    assertThat(countAll("state = 'completed'")).isEqualTo(2);
  }

  @Test
  void aRunCutOffAtItsTimeoutAbortsItsHttpRequest() {
    FakePaymentApi api = new FakePaymentApi();
    FlakyApiExample.ORDERS.forEach(api::behave);
    await(FlakyApiExample.run(vertx, spool, api));

    // Each timed-out run reset its request: the API did not keep three connections waiting.
    eventually(Duration.ofSeconds(10), () -> api.abandonedCalls() == FlakyApiExample.MAX_ATTEMPTS);
  }
}
