package dev.spool.impl.notify;

import dev.spool.impl.Service;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.function.Consumer;

/**
 * LISTENs on Spool's channels and passes each notified queue name (and cancelled job id) to the worker, on the worker's own
 * context. The connection is re-established forever with a capped backoff; after each (re)subscription
 * the worker is told with a {@code null} queue, meaning "notifications may have been missed: look at
 * every queue".
 */
public final class JobNotifier implements Service {

  private static final System.Logger LOG = System.getLogger(JobNotifier.class.getName());
  static final long MAX_RECONNECT_DELAY_MS = 5_000;

  private final PgSubscriber subscriber;

  /**
   * @param onQueue  told each notified queue name, and {@code null} after every (re)subscription
   * @param onCancel told the id of each running job whose cancel was requested
   */
  public JobNotifier(Vertx vertx, Context context, PgConnectOptions connectOptions, String channel,
      Consumer<String> onQueue, String cancelChannel, Consumer<Long> onCancel) {
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(retries -> {
          if (retries == 0) {
            LOG.log(System.Logger.Level.WARNING, "lost the LISTEN connection; reconnecting");
          }
          return Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(retries, 10));
        });
    subscriber.channel(channel)
        .handler(queue -> context.runOnContext(v -> onQueue.accept(queue)))
        .subscribeHandler(v -> context.runOnContext(x -> onQueue.accept(null)));
    subscriber.channel(cancelChannel)
        .handler(id -> context.runOnContext(v -> {
          try {
            onCancel.accept(Long.parseLong(id));
          } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a cancel notification that is not a job id: {0}", id);
          }
        }));
  }

  /**
   * Also tells {@code onAwait} the id of each job somebody began to await while it ran (its claim had read
   * the row before the flag was set).
   */
  public JobNotifier awaits(Context context, String awaitChannel, Consumer<Long> onAwait) {
    subscriber.channel(awaitChannel)
        .handler(id -> context.runOnContext(v -> {
          try {
            onAwait.accept(Long.parseLong(id));
          } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring an await notification that is not a job id: {0}", id);
          }
        }));
    return this;
  }

  /**
   * Connects; the future fails when the first connection cannot be made (later losses reconnect on
   * their own).
   */
  @Override
  public Future<Void> start() {
    return subscriber.connect();
  }

  @Override
  public Future<Void> stop() {
    return subscriber.close();
  }
}
