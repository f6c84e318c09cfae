package dev.spool.impl.claim;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.sql.Queries;
import dev.spool.testing.SpoolTestBase;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poll of a worker serving several queues: it looks from the heads of the waiting queues first, and then again
 * once twenty times that look's duration has passed; in between, it looks from the floors of the queues whose floors
 * are known, the way their claims read them, so a long transaction elsewhere does not make every poll walk the index
 * entries it keeps. Against PostgreSQL, with queues whose floors and waiting the test sets.
 */
class QueuePollerTest extends SpoolTestBase {

  private static final String[] TASKS = {"t"};

  /** A nanosecond clock that moves one second at each read: each look from the heads "takes" a second. */
  private final AtomicLong nanos = new AtomicLong();
  private final Map<String, Queue> queues = new LinkedHashMap<>();
  private QueuePoller poller;
  private OffsetDateTime now;

  @BeforeEach
  void queuesWithJobs() {
    now = sql("select now()").iterator().next().getOffsetDateTime(0);
    job("above", "now() - interval '1 minute'"); // due, above its floor (5 minutes back)
    job("below", "now() - interval '10 minutes'"); // due, below its floor
    job("unknown", "now() - interval '1 minute'"); // due, its floors unknown
    job("later", "now() + interval '1 hour'"); // not due
    queues.put("above", new Queue(now.minusMinutes(5)));
    queues.put("below", new Queue(now.minusMinutes(5)));
    queues.put("unknown", new Queue(null));
    queues.put("later", new Queue(now.minusMinutes(5)));
    poller = new QueuePoller(vertx, spool.pool(), spool.pool(), new Queries(schema), queues, TASKS,
        Duration.ofSeconds(2), () -> nanos.getAndAdd(TimeUnit.SECONDS.toNanos(1)));
  }

  @Test
  void theFirstPollLooksFromTheHeadsAndWakesEveryWaitingQueueWithADueJob() {
    await(poller.poll());

    assertThat(woken()).containsExactly("above", "below", "unknown");
  }

  @Test
  void untilTheNextLookFromTheHeadsIsDueThePollLooksFromTheFloors() {
    await(poller.poll()); // from the heads, "taking" a second: the next is due 20 s after it began
    queues.values().forEach(q -> q.wakes = 0);

    await(poller.poll());
    assertThat(woken()).as("from the floors: what sits below them, or in a queue whose floors are unknown, waits")
        .containsExactly("above");

    queues.values().forEach(q -> q.wakes = 0);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(30));
    await(poller.poll());
    assertThat(woken()).as("from the heads again").containsExactly("above", "below", "unknown");
  }

  @Test
  void aQueueThatDoesNotWaitForWorkIsNotLookedAtAndALoneWaitingQueueIsWokenWithoutAStatement() {
    queues.get("above").waits = false;
    queues.get("below").waits = false;
    queues.get("unknown").waits = false;

    await(poller.poll());

    assertThat(woken()).containsExactly("later"); // its claim is the cheapest question
  }

  private java.util.List<String> woken() {
    return queues.entrySet().stream().filter(e -> e.getValue().wakes > 0).map(Map.Entry::getKey).toList();
  }

  private void job(String queue, String runAt) {
    sql("insert into {schema}.jobs (queue, task, run_at, args) values ($1, 't', " + runAt + ", '\\x7b7d')", queue);
  }

  /** A producer as the poller sees it: waiting for work, with floors on priority 0 (or none known). */
  private final class Queue implements PolledQueue {
    private final ClaimFrontier floors;
    boolean waits = true;
    int wakes;

    Queue(OffsetDateTime floor) {
      if (floor == null) {
        floors = null;
      } else {
        floors = new ClaimFrontier();
        floors.headScanned(new Short[] {0}, new OffsetDateTime[] {floor}, now, now);
      }
    }

    @Override
    public void polledTogether() {}

    @Override
    public boolean waitsForWork() {
      return waits;
    }

    @Override
    public ClaimFrontier floors() {
      return floors;
    }

    @Override
    public void wake() {
      wakes++;
    }
  }
}
