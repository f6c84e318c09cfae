package dev.spool.impl.claim;

import dev.spool.impl.Service;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fallback poll of a worker serving several queues. A NOTIFY wakes a queue's producer when jobs are
 * enqueued; the poll is for what no notification announces (jobs falling due, a notification lost with
 * its connection). Each producer polling its own queue cost one claim per queue and interval: 1,000 statements
 * every 2 s for 1,000 empty queues. Here one statement per interval ({@code DueQueues}) asks which of the
 * queues waiting for work have due jobs of this worker's tasks, and only their producers claim. A producer
 * still draining its queue needs no poll: it claims again as its handlers free up.
 *
 * <p>Runs on the owning verticle's event loop, like the producers it wakes.
 */
public final class QueuePoller implements Service {

  private static final System.Logger LOG = System.getLogger(QueuePoller.class.getName());

  private final Vertx vertx;
  private final SqlClient client;
  private final String dueQueuesSql;
  private final Map<String, Producer> producers;
  private final String[] tasks;
  private final long intervalMs;
  private long timer = -1;
  private boolean polling;

  /** Takes over the poll of {@code producers}; call before they start. */
  public QueuePoller(Vertx vertx, SqlClient client, Queries queries, Map<String, Producer> producers, String[] tasks,
      Duration interval) {
    this.vertx = vertx;
    this.client = client;
    this.dueQueuesSql = queries.get("DueQueues");
    this.producers = producers;
    this.tasks = tasks;
    this.intervalMs = interval.toMillis();
    producers.values().forEach(Producer::polledTogether);
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

  private void poll() {
    if (polling) {
      return; // the last poll is still out: a slow database gets no second one stacked on it
    }
    List<String> waiting = new ArrayList<>();
    producers.forEach((queue, producer) -> {
      if (producer.waitsForWork()) {
        waiting.add(queue);
      }
    });
    if (waiting.size() <= 1) {
      // one queue: its claim is the cheapest question
      waiting.forEach(queue -> producers.get(queue).wake());
      return;
    }
    polling = true;
    Tuple params = Tuple.tuple().addArrayOfString(waiting.toArray(String[]::new)).addArrayOfString(tasks);
    client.preparedQuery(dueQueuesSql).execute(params)
        .onComplete(ar -> {
          polling = false;
          if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "queue poll failed ({0}); the next one tries again", ar.cause().toString());
            return;
          }
          for (Row row : ar.result()) {
            Producer producer = producers.get(row.getString(0));
            if (producer != null) {
              producer.wake();
            }
          }
        });
  }
}
