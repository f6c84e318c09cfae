package dev.spool.impl.notify;

import dev.spool.impl.Service;
import dev.spool.impl.connect.HostSelector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * LISTENs on Spool's channels and passes each notified queue name (and cancelled job id) to the worker, on the worker's own
 * context. The connection is re-established forever with a capped backoff; after each (re)subscription
 * the worker is told with a {@code null} queue, meaning "notifications may have been missed: look at
 * every queue".
 *
 * <p>With a URL of several hosts the LISTEN connection follows the primary: Vert.x's subscriber reconnects
 * to the one server it was given, so after a few failed reconnections it is given up and a new one is
 * opened on the server the {@link HostSelector} chooses (the promoted standby, after a failover).
 */
public final class JobNotifier implements Service {

  private static final System.Logger LOG = System.getLogger(JobNotifier.class.getName());
  static final long MAX_RECONNECT_DELAY_MS = 5_000;
  /** Failed reconnections to one server before a URL of several hosts is asked for the primary again. */
  static final int RECONNECTS_BEFORE_RECHOOSING = 2;

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final HostSelector hosts;
  private final String firstChannel;
  private final Map<String, Handler<String>> channels = new LinkedHashMap<>();
  private final Handler<Void> subscribed;
  private PgSubscriber subscriber;
  private boolean stopped;

  /**
   * @param hosts chooses the server among several; null for a URL of one host
   * @param onQueue  told each notified queue name, and {@code null} after every (re)subscription
   * @param onCancel told the id of each running job whose cancel was requested
   */
  public JobNotifier(Vertx vertx, Context context, PgConnectOptions connectOptions, HostSelector hosts, String channel,
      Consumer<String> onQueue, String cancelChannel, Consumer<Long> onCancel) {
    this.vertx = vertx;
    this.options = connectOptions;
    this.hosts = hosts;
    this.firstChannel = channel;
    channels.put(channel, queue -> context.runOnContext(v -> onQueue.accept(queue)));
    subscribed = v -> context.runOnContext(x -> onQueue.accept(null));
    channels.put(cancelChannel, id -> context.runOnContext(v -> {
      try {
        onCancel.accept(Long.parseLong(id));
      } catch (NumberFormatException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring a cancel notification that is not a job id: {0}", id);
      }
    }));
  }

  /**
   * Also tells {@code onAwait} the id of each job somebody began to await while it ran (its claim had read
   * the row before the flag was set). Called before {@link #start()}.
   */
  public JobNotifier awaits(Context context, String awaitChannel, Consumer<Long> onAwait) {
    channels.put(awaitChannel, id -> context.runOnContext(v -> {
      try {
        onAwait.accept(Long.parseLong(id));
      } catch (NumberFormatException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring an await notification that is not a job id: {0}", id);
      }
    }));
    return this;
  }

  /**
   * Also tells {@code onRescue} each queue the rescuer put jobs back into, with how many (a payload
   * {@code <count>:<queue>}, see {@code RescueJobs}). Called before {@link #start()}.
   */
  public JobNotifier rescues(Context context, String rescueChannel, BiConsumer<String, Integer> onRescue) {
    channels.put(rescueChannel, payload -> context.runOnContext(v -> {
      int colon = payload.indexOf(':');
      try {
        onRescue.accept(payload.substring(colon + 1), Integer.parseInt(payload.substring(0, Math.max(colon, 0))));
      } catch (NumberFormatException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring a rescue notification that is not <count>:<queue>: {0}", payload);
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
    if (hosts == null) {
      return open(options).connect();
    }
    return hosts.options(options).compose(aimed -> open(aimed).connect());
  }

  @Override
  public synchronized Future<Void> stop() {
    stopped = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  private synchronized PgSubscriber open(PgConnectOptions aimed) {
    PgSubscriber opened = PgSubscriber.subscriber(vertx, aimed).reconnectPolicy(retries -> {
      if (retries == 0) {
        LOG.log(System.Logger.Level.WARNING, "lost the LISTEN connection; reconnecting");
      }
      if (hosts != null && retries >= RECONNECTS_BEFORE_RECHOOSING) {
        return -1L; // this server may be gone for good: choose again (see reopen)
      }
      return Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(retries, 10));
    });
    channels.forEach((name, handler) -> {
      var listening = opened.channel(name).handler(handler);
      if (name.equals(firstChannel)) {
        listening.subscribeHandler(subscribed);
      }
    });
    if (hosts != null) {
      opened.closeHandler(v -> retired(opened, 0));
    }
    subscriber = opened;
    return opened;
  }

  /** A subscriber gave up (or never connected): open one on the server chosen now, unless stopping. */
  private synchronized void retired(PgSubscriber which, int attempt) {
    if (stopped || which != subscriber) {
      return; // stopping, or this subscriber was already replaced
    }
    subscriber = null;
    long delay = Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(attempt, 10));
    vertx.setTimer(delay, t -> {
      synchronized (this) {
        if (stopped) {
          return;
        }
      }
      hosts.options(options).onComplete(ar -> {
        if (ar.failed()) {
          LOG.log(System.Logger.Level.WARNING, "no server for the LISTEN connection yet: {0}", ar.cause().getMessage());
          retryLater(attempt + 1);
          return;
        }
        PgSubscriber next;
        synchronized (this) {
          if (stopped) {
            return;
          }
          next = open(ar.result());
        }
        next.connect().onFailure(e -> retired(next, attempt + 1));
      });
    });
  }

  /** No subscriber is open: try again after a backoff. */
  private void retryLater(int attempt) {
    PgSubscriber placeholder;
    synchronized (this) {
      if (stopped) {
        return;
      }
      placeholder = PgSubscriber.subscriber(vertx, options); // never connected: stands for "none open"
      subscriber = placeholder;
    }
    retired(placeholder, attempt);
  }
}
