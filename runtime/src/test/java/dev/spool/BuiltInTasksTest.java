package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The built-in {@code spool.sleep} is a timer that listens: it completes after its time, ends cancelled at
 * once when cancelled, and fails at its hard limit like any handler (only {@code spool.hang} ignores signals).
 */
class BuiltInTasksTest extends SpoolTestBase {

  /** Far longer than any wait below: a sleep that ran to its end would fail every test here. */
  static final int LONG_SLEEP_MS = 30_000;
  /** How long a stopped sleep may take to end: its worker's cancel notification and one ack, with room to spare. */
  static final Duration PROMPTLY = Duration.ofSeconds(3);

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true);
  }

  private void deployBuiltIns() {
    await(vertx.deployVerticle(spool.worker(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()))));
  }

  private long sleep(int ms, EnqueueOptions options) {
    return await(spool.client().enqueue(BuiltInTasks.SLEEP, new JsonObject().put("ms", ms), options));
  }

  private Job find(long id) {
    return await(spool.client().find(id)).orElseThrow();
  }

  @Test
  void aSleepCompletesAfterItsTime() {
    deployBuiltIns();
    long id = sleep(50, new EnqueueOptions());
    eventually(Duration.ofSeconds(10), () -> find(id).state() == JobState.COMPLETED);
  }

  @Test
  void aRunningSleepThatIsCancelledEndsCancelledAtOnceWithOrWithoutATimeout() {
    deployBuiltIns();
    long plain = sleep(LONG_SLEEP_MS, new EnqueueOptions());
    long limited = sleep(LONG_SLEEP_MS, new EnqueueOptions().setTimeout(Duration.ofSeconds(20)));
    eventually(Duration.ofSeconds(10), () -> count("state = 'running'") == 2);

    assertThat(await(spool.client().cancel(plain))).isEqualTo(CancelResult.CANCEL_REQUESTED);
    assertThat(await(spool.client().cancel(limited))).isEqualTo(CancelResult.CANCEL_REQUESTED);

    eventually(PROMPTLY, () -> count("state = 'cancelled'") == 2);
    for (long id : new long[] {plain, limited}) {
      Job job = find(id);
      assertThat(job.attempt()).isEqualTo(1);
      assertThat(job.lastError().getString("message")).contains("spool.sleep: told to stop");
    }
  }

  @Test
  void aSleepLongerThanItsHardLimitFailsAtTheLimitAndIsNotHeldAsStuck() {
    deployBuiltIns();
    long id = sleep(LONG_SLEEP_MS, new EnqueueOptions().setTimeout(Duration.ofMillis(300)).setMaxAttempts(1));

    eventually(PROMPTLY, () -> find(id).state() == JobState.DEAD);
    JsonObject error = find(id).lastError();
    assertThat(error.getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.getString("message")).endsWith("timed out after 300 ms");
    assertThat(spool.stats().stuckRuns()).isEmpty();
  }
}
