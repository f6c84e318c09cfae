package dev.spool.impl.await;

import dev.spool.AwaitTimeoutException;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.NoSuchJobException;
import dev.spool.impl.Service;
import dev.spool.impl.sql.Outcomes;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers every await of one Spool (one process) from one LISTEN connection: an await flags its job
 * ({@code AwaitJob}), the statement that finishes a flagged job NOTIFYs its id on the done channel, and
 * the notification completes every local waiter of that id after one read of the finished rows (or from the
 * payload alone, for a job that completed with at most a small result). A fallback
 * poll (every {@link #DEFAULT_FALLBACK_POLL}, and after each reconnection) reads all awaited ids in one
 * statement, for the rare job finished without telling (a worker that acked it plain while the flag was
 * being set, a connection lost across the notification).
 */
public final class Awaiter implements Service {

  public static final Duration DEFAULT_FALLBACK_POLL = Duration.ofSeconds(1);
  static final int POLL_CHUNK = 5_000;

  private static final System.Logger LOG = System.getLogger(Awaiter.class.getName());

  private final Vertx vertx;
  private final Pool pool;
  private final String awaitSql;
  private final String outcomesSql;
  private final PgSubscriber subscriber;
  private final long fallbackPollMs;
  private final Map<Long, List<Waiter>> waiters = new ConcurrentHashMap<>();
  private Future<Void> listening;
  private long pollTimer = -1;

  private record Waiter(Promise<JobResult> promise, Context context, long[] timer, boolean[] registered) {}

  public Awaiter(Vertx vertx, Pool pool, Queries queries, PgConnectOptions connectOptions, Duration fallbackPoll) {
    this.vertx = vertx;
    this.pool = pool;
    this.awaitSql = queries.get("AwaitJob");
    this.outcomesSql = queries.get("FindOutcomes");
    this.fallbackPollMs = fallbackPoll.toMillis();
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(retries -> Math.min(5_000L, 100L << Math.min(retries, 10)));
    subscriber.channel(queries.doneChannel())
        .handler(this::notified)
        .subscribeHandler(v -> poll()); // (re)subscribed: notifications may have been missed
  }

  /** Connects on the first await. */
  @Override
  public synchronized Future<Void> start() {
    if (listening == null) {
      listening = subscriber.connect().onFailure(e -> {
        synchronized (this) {
          listening = null;
        }
      });
      pollTimer = vertx.setPeriodic(fallbackPollMs, t -> poll());
    }
    return listening;
  }

  @Override
  public synchronized Future<Void> stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
      pollTimer = -1;
    }
    listening = null;
    return subscriber.close();
  }

  /** Jobs awaited now (a test signal). */
  public int awaited() {
    return waiters.size();
  }

  /**
   * Completes with the job once it is final (at once if it is); fails with {@link NoSuchJobException} for
   * an unknown id and {@link AwaitTimeoutException} after {@code timeout}.
   */
  public Future<JobResult> await(long id, Duration timeout) {
    Context context = vertx.getOrCreateContext();
    Promise<JobResult> promise = Promise.promise();
    Waiter waiter = new Waiter(promise, context, new long[] {-1}, new boolean[] {false});
    return start().compose(v -> {
      // registered before the flag is set, so a notification right after it finds the waiter
      waiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(waiter);
      waiter.timer[0] = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
        if (remove(id, waiter)) {
          context.runOnContext(x -> promise.tryFail(new AwaitTimeoutException(id, timeout)));
        }
      });
      return pool.preparedQuery(awaitSql).execute(Tuple.of(id))
          // AwaitJob reads jobs_done with the snapshot its statement began with: an ack that moved the job there
          // (MarkCompleted, complete_jobs) while AwaitJob waited for the row's lock is seen by a read after it
          .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows)
              : pool.preparedQuery(outcomesSql).execute(Tuple.of((Object) new Long[] {id})));
    }).compose(rows -> {
      if (rows.size() == 0) {
        if (remove(id, waiter)) {
          vertx.cancelTimer(waiter.timer[0]);
          promise.tryFail(new NoSuchJobException(id));
        }
      } else {
        waiter.registered[0] = true;
        JobResult now = Outcomes.result(rows.iterator().next());
        if (now.isFinal()) {
          answer(id, now);
        }
      }
      return promise.future();
    }, e -> {
      remove(id, waiter);
      vertx.cancelTimer(waiter.timer[0]);
      return Future.failedFuture(e);
    });
  }

  private boolean remove(long id, Waiter waiter) {
    boolean[] removed = {false};
    waiters.computeIfPresent(id, (k, list) -> {
      removed[0] = list.remove(waiter);
      return list.isEmpty() ? null : list;
    });
    return removed[0];
  }

  private void answer(long id, JobResult result) {
    Answers answers = new Answers();
    answers.add(id, result);
    answers.deliver();
  }

  /**
   * Answers gathered from one read, delivered with one task per waiting context (answered in place on the
   * context that read them): ten thousand answers to one event loop are one task, not ten thousand.
   */
  private final class Answers {
    private final Map<Context, List<Runnable>> byContext = new HashMap<>();

    void add(long id, JobResult result) {
      List<Waiter> list = waiters.remove(id);
      if (list == null) {
        return;
      }
      for (Waiter w : list) {
        vertx.cancelTimer(w.timer[0]);
        byContext.computeIfAbsent(w.context, c -> new ArrayList<>()).add(() -> w.promise.tryComplete(result));
      }
    }

    void deliver() {
      Context here = Vertx.currentContext();
      byContext.forEach((context, completions) -> {
        if (context == here) {
          completions.forEach(Runnable::run);
        } else {
          context.runOnContext(x -> completions.forEach(Runnable::run));
        }
      });
    }
  }

  /**
   * A done notification: job ids to read, or, from complete_jobs, {@code @} and a finish time in epoch
   * microseconds followed by jobs that completed with nothing to read but a small result (no step or
   * progress): {@code +id} without a result, {@code =id:base64} with one; those are answered from the
   * payload alone.
   */
  private void notified(String payload) {
    List<Long> ids = new ArrayList<>();
    Answers answers = new Answers();
    Instant finishedAt = null;
    for (String part : payload.split(",")) {
      try {
        if (part.startsWith("@")) {
          finishedAt = Instant.EPOCH.plus(Long.parseLong(part.substring(1)), ChronoUnit.MICROS);
        } else if ((part.startsWith("+") || part.startsWith("=")) && finishedAt != null) {
          int colon = part.indexOf(':'); // only '=' entries carry a result after it
          long id = Long.parseLong(colon < 0 ? part.substring(1) : part.substring(1, colon));
          if (waiters.containsKey(id)) {
            byte[] result = colon < 0 ? null : Base64.getDecoder().decode(part.substring(colon + 1));
            answers.add(id, new JobResult(id, JobState.COMPLETED, null, result, null, null, finishedAt));
          }
        } else {
          long id = Long.parseLong(part);
          if (waiters.containsKey(id)) {
            ids.add(id);
          }
        }
      } catch (IllegalArgumentException e) { // a number or base64 malformed
        LOG.log(System.Logger.Level.WARNING, "ignoring a done notification that is not a list of job ids: {0}", payload);
        return;
      }
    }
    answers.deliver();
    if (!ids.isEmpty()) {
      read(ids);
    }
  }

  private void poll() {
    if (waiters.isEmpty()) {
      return;
    }
    List<Long> all = new ArrayList<>(waiters.keySet());
    for (int i = 0; i < all.size(); i += POLL_CHUNK) {
      read(all.subList(i, Math.min(all.size(), i + POLL_CHUNK)));
    }
  }

  /** Reads the jobs and answers those final; a job gone from the table was live when awaited: it completed. */
  private void read(List<Long> ids) {
    pool.preparedQuery(outcomesSql).execute(Tuple.of(ids.toArray(Long[]::new))).onSuccess(rows -> {
      Set<Long> seen = new HashSet<>();
      Answers answers = new Answers();
      for (Row row : rows) {
        JobResult result = Outcomes.result(row);
        seen.add(result.id());
        if (result.isFinal()) {
          answers.add(result.id(), result);
        }
      }
      for (Long id : ids) {
        List<Waiter> list = waiters.get(id);
        // only once the job was seen live: an id the await has not looked up yet may not exist at all
        if (!seen.contains(id) && list != null && list.stream().anyMatch(w -> w.registered[0])) {
          answers.add(id, Outcomes.deleted(id));
        }
      }
      answers.deliver();
    }).onFailure(e -> LOG.log(System.Logger.Level.DEBUG, "await read failed ({0}); the next poll tries again", e.toString()));
  }
}
