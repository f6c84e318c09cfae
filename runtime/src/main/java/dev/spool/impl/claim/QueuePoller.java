package dev.spool.impl.claim;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The fallback poll of a worker serving several queues. A NOTIFY wakes a queue's producer when jobs are
 * enqueued; the poll is for what no notification announces (jobs falling due, a notification lost with
 * its connection). Each producer polling its own queue cost one claim per queue and interval: 1,000 statements
 * every 2 s for 1,000 empty queues. Here one statement per interval ({@code DueQueues}) asks which of the
 * queues waiting for work have due jobs of this worker's tasks, and only their producers claim. A producer
 * still draining its queue needs no poll: it claims again as its handlers free up.
 *
 * <p>A queue whose producer claims from floors ({@link ClaimFrontier}) is looked at from them too
 * ({@code DueQueuesFrom}, on the worker's connection): a look from the head walks every index entry that a long
 * transaction elsewhere keeps there, and on the worker's connection it held up the worker's claims and acks (75 ms a
 * poll after 50,000 jobs). The look from the heads of all the waiting queues ({@code DueQueues}) finds what sits below
 * the floors and the queues whose floors are unknown; it runs on the Spool's pool, beside the claims, and waits
 * {@value HeadScanPace#SHARE} times its own duration for the next (every poll with a clean index), paced by
 * {@link HeadScanPace} as the producers' head scans are.
 *
 * <p>Runs on the owning verticle's event loop, like the producers it wakes.
 */
public final class QueuePoller implements Service {

  private static final System.Logger LOG = System.getLogger(QueuePoller.class.getName());

  private final Vertx vertx;
  private final SqlClient client;
  private final SqlClient headClient;
  private final String dueQueuesSql;
  private final String dueQueuesFromSql;
  private final Map<String, ? extends PolledQueue> producers;
  private final String[] tasks;
  private final long intervalMs;
  private final LongSupplier nanoTime;
  private long timer = -1;
  private boolean polling;
  /** When the next look from the heads may start. */
  private final HeadScanPace headPace;

  /**
   * Takes over the poll of {@code producers}; call before they start. Looks from floors on {@code client} (the
   * worker's connection), from the heads on {@code headClient} (the Spool's pool).
   */
  public QueuePoller(Vertx vertx, SqlClient client, SqlClient headClient, Queries queries,
      Map<String, ? extends PolledQueue> producers, String[] tasks, Duration interval) {
    this(vertx, client, headClient, queries, producers, tasks, interval, System::nanoTime);
  }

  QueuePoller(Vertx vertx, SqlClient client, SqlClient headClient, Queries queries,
      Map<String, ? extends PolledQueue> producers, String[] tasks, Duration interval, LongSupplier nanoTime) {
    this.vertx = vertx;
    this.client = client;
    this.headClient = headClient;
    this.dueQueuesSql = queries.get("DueQueues");
    this.dueQueuesFromSql = queries.get("DueQueuesFrom");
    this.producers = producers;
    this.tasks = tasks;
    this.intervalMs = interval.toMillis();
    this.nanoTime = nanoTime;
    this.headPace = new HeadScanPace(nanoTime, 0);
    producers.values().forEach(PolledQueue::polledTogether);
  }

  @Override
  public Future<Void> start() {
    timer = vertx.setPeriodic(intervalMs, t -> poll());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return Future.succeededFuture();
  }

  /** One poll; completes once its look (from the heads or from the floors) has woken the queues it found due. */
  Future<Void> poll() {
    List<String> waiting = new ArrayList<>();
    producers.forEach((queue, producer) -> {
      if (producer.waitsForWork()) {
        waiting.add(queue);
      }
    });
    if (waiting.size() <= 1) {
      // one queue: its claim is the cheapest question
      waiting.forEach(queue -> producers.get(queue).wake());
      return Future.succeededFuture();
    }
    if (headPace.due()) {
      return lookFromHeads(waiting);
    }
    return lookFromFloors(waiting);
  }

  /** DueQueuesFrom of the waiting queues whose floors are known; the others wait for the next look from the heads. */
  private Future<Void> lookFromFloors(List<String> waiting) {
    if (polling) {
      return Future.succeededFuture(); // the last poll is still out: a slow database gets no second one stacked on it
    }
    List<String> queues = new ArrayList<>();
    List<Short> priorities = new ArrayList<>();
    List<OffsetDateTime> floors = new ArrayList<>();
    for (String queue : waiting) {
      ClaimFrontier frontier = producers.get(queue).floors();
      if (frontier != null) {
        Short[] p = frontier.priorities();
        OffsetDateTime[] f = frontier.floorTimes();
        for (int i = 0; i < p.length; i++) {
          queues.add(queue);
          priorities.add(p[i]);
          floors.add(f[i]);
        }
      }
    }
    if (queues.isEmpty()) {
      return Future.succeededFuture();
    }
    polling = true;
    Tuple params = Tuple.tuple().addArrayOfString(queues.toArray(String[]::new))
        .addArrayOfShort(priorities.toArray(Short[]::new))
        .addArrayOfOffsetDateTime(floors.toArray(OffsetDateTime[]::new)).addArrayOfString(tasks);
    return client.preparedQuery(dueQueuesFromSql).execute(params).transform(ar -> {
      polling = false;
      wakeDue(ar);
      return Future.succeededFuture();
    });
  }

  /** DueQueues of every waiting queue, on the pool; the next one waits for its duration times the pause factor. */
  private Future<Void> lookFromHeads(List<String> waiting) {
    headPace.started();
    long started = nanoTime.getAsLong();
    Tuple params = Tuple.tuple().addArrayOfString(waiting.toArray(String[]::new)).addArrayOfString(tasks);
    return headClient.preparedQuery(dueQueuesSql).execute(params).transform(ar -> {
      if (ar.succeeded()) {
        headPace.landed(nanoTime.getAsLong() - started);
      } else {
        headPace.failed(); // the next poll looks from the heads again
      }
      wakeDue(ar);
      return Future.succeededFuture();
    });
  }

  private void wakeDue(AsyncResult<RowSet<Row>> ar) {
    if (ar.failed()) {
      LOG.log(System.Logger.Level.WARNING, "queue poll failed ({0}); the next one tries again", ar.cause().toString());
      return;
    }
    for (Row row : ar.result()) {
      PolledQueue producer = producers.get(row.getString(0));
      if (producer != null) {
        producer.wake();
      }
    }
  }
}
