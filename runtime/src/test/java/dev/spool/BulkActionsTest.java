package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancel, delete and move pending jobs by filter, in bounded batches, with a dry-run count first. */
class BulkActionsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Task<JsonObject> OTHER = Task.json("other");

  private JobAdmin admin;

  @BeforeEach
  void openAdmin() {
    admin = spool.admin();
  }

  @AfterEach
  void closeAdmin() {
    await(admin.close());
  }

  private void enqueue(Task<JsonObject> task, int n, EnqueueOptions options) {
    await(spool.client().enqueueBatch(task, Collections.nCopies(n, new JsonObject()), options));
  }

  @Test
  void cancelsMoreThanOneBatchOfMatchingJobsAndLeavesTheRest() {
    enqueue(WORK, 12_000, new EnqueueOptions().setQueue("big")); // three statements of at most 5,000
    enqueue(WORK, 5, new EnqueueOptions().setQueue("big").setDelay(Duration.ofHours(1)));
    enqueue(OTHER, 3, new EnqueueOptions().setQueue("big"));
    enqueue(WORK, 4, new EnqueueOptions().setQueue("small"));
    sql("update {schema}.jobs set state = 'running', lease_owner = 'w' where id = (select min(id) from {schema}.jobs)");

    BulkFilter due = new BulkFilter().setQueue("big").setTask("work").setState(JobState.AVAILABLE);
    assertThat(await(admin.countPending(due))).isEqualTo(11_999); // the dry run: nothing changes
    assertThat(count("state = 'cancelled'")).isZero();
    assertThat(await(admin.cancelPending(due))).isEqualTo(11_999);
    assertThat(count("state = 'cancelled' and cancel_requested_at is not null and finished_at is not null")).isEqualTo(11_999);
    assertThat(count("state = 'available' and queue = 'big'")).isEqualTo(8); // scheduled and other-task jobs stay
    assertThat(count("state = 'running'")).isEqualTo(1); // running jobs are never taken
    assertThat(await(admin.cancelPending(due))).isZero(); // nothing matches any more: 0, not an error

    BulkFilter later = new BulkFilter().setQueue("big").setState(JobState.SCHEDULED);
    assertThat(await(admin.movePending(later, "overnight"))).isEqualTo(5);
    assertThat(count("queue = 'overnight' and state = 'available' and run_at > now()")).isEqualTo(5);

    assertThat(await(admin.deletePending(new BulkFilter().setQueue("small")))).isEqualTo(4);
    assertThat(await(admin.deletePending(new BulkFilter().setCreatedBefore(Instant.now().minus(Duration.ofDays(1)))))).isZero();
    assertThat(count("queue = 'small'")).isZero();
  }

  @Test
  void aFilterWithoutConditionsMustSayAllAndNamesAreChecked() {
    enqueue(WORK, 3, new EnqueueOptions());
    assertThatThrownBy(() -> await(admin.cancelPending(new BulkFilter())))
        .hasMessageContaining("with no filter takes every pending job");
    assertThat(count("state = 'available'")).isEqualTo(3);
    assertThatThrownBy(() -> await(admin.movePending(new BulkFilter().setAll(true), "")))
        .hasMessageContaining("target queue must be 1..200 characters");
    assertThatThrownBy(() -> new BulkFilter().setState(JobState.DEAD)).hasMessageContaining("available or scheduled");
    assertThat(await(admin.movePending(new BulkFilter().setAll(true), "elsewhere"))).isEqualTo(3);
    assertThat(await(admin.movePending(new BulkFilter().setAll(true), "elsewhere"))).isZero(); // already there
    assertThat(await(admin.cancelPending(new BulkFilter().setAll(true)))).isEqualTo(3);
  }
}
