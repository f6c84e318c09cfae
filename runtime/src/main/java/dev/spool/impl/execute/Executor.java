package dev.spool.impl.execute;

import dev.spool.impl.stats.Stats;
import dev.spool.HandlerOptions;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.JobTimeoutException;
import dev.spool.GiveUpException;
import dev.spool.Snooze;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.spi.JobCodec;
import dev.spool.spi.JsonValueCodec;
import dev.spool.UndecodablePayloadException;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.complete.Completer;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ObjLongConsumer;

/**
 * Runs one claimed job: decodes its arguments, calls its handler under an async timeout, and hands the
 * outcome to the {@link Completer}: done, retried after a backoff, or dead.
 */
public final class Executor {

  private static final System.Logger LOG = System.getLogger(Executor.class.getName());

  private final Vertx vertx;
  private final JobHandlers handlers;
  private final Completer completer;
  private final ObjLongConsumer<ClaimedJob> retryScheduled;
  private final Stats.Recorder stats;
  private final int maxResultBytes;

  public Executor(Vertx vertx, JobHandlers handlers, Completer completer, ObjLongConsumer<ClaimedJob> retryScheduled,
      Stats.Recorder stats) {
    this(vertx, handlers, completer, retryScheduled, stats, SpoolOptions.DEFAULT_MAX_RESULT_BYTES);
  }

  /**
   * @param retryScheduled told of each retry and its delay, so the job's queue can wake when it is due
   */
  public Executor(Vertx vertx, JobHandlers handlers, Completer completer, ObjLongConsumer<ClaimedJob> retryScheduled,
      Stats.Recorder stats, int maxResultBytes) {
    this.vertx = vertx;
    this.maxResultBytes = maxResultBytes;
    this.handlers = handlers;
    this.completer = completer;
    this.retryScheduled = retryScheduled;
    this.stats = stats;
  }

  /** Runs the job; the future completes when its outcome is decided (not yet written). */
  public Future<Void> run(ClaimedJob job) {
    job.markStarted();
    stats.started(job);
    JobHandlers.Registration<?> registration = handlers.get(job.task());
    if (registration == null) {
      // Claims only take registered tasks, so this is a job renamed under a running worker.
      fail(job, new HandlerOptions(), new IllegalStateException("no handler for task " + job.task() + " on this worker"));
      return Future.succeededFuture();
    }
    return run(job, registration);
  }

  private <A> Future<Void> run(ClaimedJob job, JobHandlers.Registration<A> registration) {
    HandlerOptions options = registration.options();
    A args;
    try {
      args = registration.task().codec().decode(job.args());
    } catch (Throwable e) {
      fail(job, options, new UndecodablePayloadException("cannot decode the arguments of " + job + " with codec "
          + registration.task().codec().name() + ": " + e.getMessage(), e));
      return Future.succeededFuture();
    }
    Future<?> result = invoke(registration.handler(), args, job);
    if (result.isComplete()) {
      // Handlers that answer at once need no timer.
      settle(job, registration.task(), options, result);
      return Future.succeededFuture();
    }
    long timeoutMs = job.timeoutMs() != null ? job.timeoutMs() : options.getTimeout().toMillis();
    Promise<Void> decided = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> {
      // Settle before signalling: a handler that fails as soon as it is told must not record its own
      // error in place of the timeout.
      if (job.settle()) {
        fail(job, options, new JobTimeoutException(job + " timed out after " + timeoutMs + " ms"));
      }
      job.cancel();
      decided.tryComplete();
    });
    result.onComplete(ar -> {
      vertx.cancelTimer(timer);
      settle(job, registration.task(), options, result);
      decided.tryComplete();
    });
    return decided.future();
  }

  /** Gives up on a job whose handler is still running, as when the worker stops: it is retried elsewhere. */
  public void abandon(ClaimedJob job, HandlerOptions options, Throwable reason) {
    if (job.settle()) {
      fail(job, options, reason);
    }
    job.cancel();
  }

  /** The options of a task's handler, or defaults. */
  public HandlerOptions optionsOf(String task) {
    JobHandlers.Registration<?> registration = handlers.get(task);
    return registration == null ? new HandlerOptions() : registration.options();
  }

  private static <A> Future<?> invoke(JobHandler<A> handler, A args, ClaimedJob job) {
    try {
      Future<?> result = handler.handle(args, job);
      return result != null ? result
          : Future.failedFuture(new IllegalStateException("handler of task " + job.task() + " returned null"));
    } catch (Throwable e) {
      return Future.failedFuture(e);
    }
  }

  private void settle(ClaimedJob job, Task<?> task, HandlerOptions options, Future<?> result) {
    if (!job.settle()) {
      return;
    }
    if (result.succeeded()) {
      try {
        job.result(encodeResult(task, result.result()));
      } catch (IllegalArgumentException e) {
        fail(job, options, new GiveUpException(e.getMessage()));
        return;
      }
      stats.finished(job, SpoolListener.Outcome.COMPLETED, job.startedNanos(), null);
      completer.completed(job);
    } else {
      fail(job, options, result.cause());
    }
  }

  /**
   * The value a handler completed with, encoded by its task's result codec; null for no value or one the
   * codec does not take (not every handler's value is meant as a result). Throws
   * {@link IllegalArgumentException} when the codec fails on it or it is over the size limit.
   */
  @SuppressWarnings("unchecked")
  private byte[] encodeResult(Task<?> task, Object value) {
    if (value == null) {
      return null;
    }
    JobCodec<Object> codec = (JobCodec<Object>) task.resultCodec();
    if (codec == JsonValueCodec.INSTANCE && !JsonValueCodec.accepts(value)) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = codec.encode(value);
    } catch (ClassCastException notItsType) {
      return null;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot encode the result of task " + task.name() + " with codec "
          + codec.name() + ": " + e.getMessage(), e);
    }
    if (bytes.length > maxResultBytes) {
      throw new IllegalArgumentException("the result of task " + task.name() + " is " + bytes.length
          + " bytes encoded, more than the limit of " + maxResultBytes + " (SpoolOptions.maxResultBytes)");
    }
    return bytes;
  }

  private void fail(ClaimedJob job, HandlerOptions options, Throwable failure) {
    if (failure instanceof Snooze snooze) {
      long delayMs = snooze.delay().toMillis();
      stats.finished(job, SpoolListener.Outcome.SNOOZED, job.startedNanos(), null);
      completer.snooze(job, delayMs);
      retryScheduled.accept(job, delayMs);
      return;
    }
    JsonObject error = Errors.describe(failure, job.attempt());
    if (options.getRetryPolicy().allowsAnotherAttempt(job.attempt(), job.maxAttempts())
        && options.getRetryPolicy().isRetryable(failure)) {
      long delayMs = options.getRetryPolicy().delayAfter(job.attempt(), ThreadLocalRandom.current().nextDouble()).toMillis();
      LOG.log(System.Logger.Level.INFO, "{0} failed, retrying in {1} ms: {2}", job, delayMs, failure.toString());
      stats.finished(job, SpoolListener.Outcome.RETRIED, job.startedNanos(), failure);
      completer.retry(job, delayMs, error);
      retryScheduled.accept(job, delayMs);
    } else {
      LOG.log(System.Logger.Level.WARNING, "{0} is dead: {1}", job, failure.toString());
      stats.finished(job, SpoolListener.Outcome.DEAD, job.startedNanos(), failure);
      completer.kill(job, error);
    }
  }
}
