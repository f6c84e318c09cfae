package dev.spool.test.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a test thread that waits for a job to be enqueued: LISTENs on the schema's enqueue channel (every
 * enqueue of a due job notifies it at commit), so a wait ends as soon as the job is there instead of
 * polling on a fixed beat. Scheduled jobs do not notify: a waiter also looks again after a backoff.
 */
public final class EnqueueSignal {

  private final PgSubscriber subscriber;
  private long notifications;

  private EnqueueSignal(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  /** Listens on {@code channel}; completes once the LISTEN is in place. */
  public static Future<EnqueueSignal> listen(Vertx vertx, PgConnectOptions options, String channel) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
    EnqueueSignal signal = new EnqueueSignal(subscriber);
    io.vertx.core.Promise<Void> subscribed = io.vertx.core.Promise.promise();
    subscriber.channel(channel).subscribeHandler(v -> subscribed.tryComplete()).handler(payload -> signal.notified());
    return subscriber.connect().compose(v -> subscribed.future()).map(signal);
  }

  private synchronized void notified() {
    notifications++;
    notifyAll();
  }

  /** The notifications heard so far: pass to {@link #awaitAfter} to wait for the next one. */
  public synchronized long seen() {
    return notifications;
  }

  /** Waits until a notification after {@code seen} arrives, at most {@code maxMillis}. */
  public synchronized void awaitAfter(long seen, long maxMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    while (notifications == seen) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}
