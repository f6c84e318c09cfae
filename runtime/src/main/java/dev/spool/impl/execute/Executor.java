package dev.spool.impl.execute;

import dev.spool.BlockingJobHandler;
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
import dev.spool.impl.complete.Completer;
import dev.spool.impl.complete.OutcomeSink;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.job.Transactions;
import dev.spool.impl.stats.Stats;
import dev.spool.impl.trace.Tracing;
import dev.spool.spi.SpoolListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ObjLongConsumer;

/**
 * Runs one claimed job: decodes its arguments, calls its handler (on the event loop, or on the blocking
 * pool) under its soft and hard limits, and hands the outcome to its {@link OutcomeSink} (a worker's
 * {@link Completer}): done, retried after a backoff, or dead.
 *
 * <p>A run's limits are one timer at a time: the soft limit (when there is one below the hard), then the
 * hard limit, then the grace period. At the soft limit the handler is told and a warning is logged. At the
 * hard limit the run has failed with a {@link JobTimeoutException}: the handler is told (its cancellation,
 * and its thread's interrupt when it blocks), and its job is held until the handler returns
 * ({@link HandlerOptions.OnStuck#HOLD}), or failed at once ({@link HandlerOptions.OnStuck#RELEASE}). A handler
 * that has not returned a grace period later is stuck: reported, counted, and for HOLD still holding its
 * slot and its job, whose lease the heartbeat keeps extending, so the job cannot run anywhere else.
 *
 * <p>A job enqueued under a trace runs in a {@code spool.job} span, child of its enqueuer's ({@link Tracing}):
 * started with the run, current while the handler is invoked (on the event loop, or on the pool thread of a
 * blocking handler), ended when the outcome is decided.
 *
 * <p>The returned future completes when the run's slot is free: when the handler has returned, or under
 * RELEASE at the hard limit. All methods run on the worker's event loop.
 */
public final class Executor {

  private static final System.Logger LOG = System.getLogger(Executor.class.getName());
  // the outcome attribute of spans, lower case, made once rather than per run
  private static final String[] OUTCOMES = Arrays.stream(SpoolListener.Outcome.values())
      .map(o -> o.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

  private final Vertx vertx;
  private final JobHandlers handlers;
  private final OutcomeSink outcomes;
  private final ObjLongConsumer<ClaimedJob> retryScheduled;
  private final Stats.Recorder stats;
  private final int maxResultBytes;
  private final BlockingPools pools;
  private final long stuckGraceMs;
  private final String owner;
  private final Tracing tracing = Tracing.INSTANCE;
  private Transactions transactions;

  /**
   * @param retryScheduled told of each retry and its delay, so the job's queue can wake when it is due
   * @param pools where blocking handlers run
   * @param stuckGrace how long after its hard limit a handler that has not returned counts as stuck
   * @param owner the worker's id, for the report of stuck runs
   * @param maxResultBytes the largest encoded result a handler may complete with
   */
  public Executor(Vertx vertx, JobHandlers handlers, OutcomeSink outcomes, ObjLongConsumer<ClaimedJob> retryScheduled,
      Stats.Recorder stats, BlockingPools pools, Duration stuckGrace, String owner, int maxResultBytes) {
    this.vertx = vertx;
    this.maxResultBytes = maxResultBytes;
    this.handlers = handlers;
    this.outcomes = outcomes;
    this.retryScheduled = retryScheduled;
    this.stats = stats;
    this.pools = pools;
    this.stuckGraceMs = stuckGrace.toMillis();
    this.owner = owner;
  }

  /** Lets handlers complete their jobs in transactions of their own ({@code JobContext.completeInTransaction}). */
  public Executor transactions(Transactions transactions) {
    this.transactions = transactions;
    return this;
  }

  /** Runs the job; the future completes when its slot is free (its outcome decided, not yet written). */
  public Future<Void> run(ClaimedJob job) {
    job.markStarted();
    job.transactions(transactions);
    stats.started(job);
    tracing.start(job);
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
    if (registration.blocking()) {
      return runBlocking(job, registration.task(), registration.handler(), options, args);
    }
    Future<?> result = invoke(registration.handler(), args, job);
    if (result.isComplete()) {
      // Handlers that answer at once need no timer.
      job.markReturned();
      settle(job, registration.task(), options, result);
      return Future.succeededFuture();
    }
    Promise<Void> slot = Promise.promise();
    armLimits(job, options, slot);
    result.onComplete(ar -> returned(job, registration.task(), options, result, slot));
    return slot.future();
  }

  /**
   * Runs a blocking handler on the pool. Its limits start when a thread takes it, not while it waits for
   * one; a job cancelled or given back while it waits never starts.
   */
  private <A> Future<Void> runBlocking(ClaimedJob job, Task<A> task, JobHandler<A> handler, HandlerOptions options,
      A args) {
    Promise<Void> slot = Promise.promise();
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    pools.<Future<?>>execute(job.queue(), () -> {
      if (job.isCancelled()) {
        throw new CancellationException(job + " was stopped before a thread took it");
      }
      job.enter(Thread.currentThread());
      Object scope = tracing.enter(job);
      loop.runOnContext(v -> {
        if (!job.hasReturned()) {
          armLimits(job, options, slot);
        }
      });
      try {
        if (handler instanceof BlockingJobHandler<A> blocking) {
          blocking.run(args, job);
          return null;
        }
        // a handler marked blocking in its options: what it returns still decides, once it completes
        Future<?> result = handler.handle(args, job);
        if (result == null) {
          throw new IllegalStateException("handler of task " + job.task() + " returned null");
        }
        return result;
      } finally {
        tracing.exit(scope);
        job.exit();
      }
    }).onComplete(ar -> {
      Future<?> result = ar.failed() ? Future.failedFuture(ar.cause())
          : ar.result() == null ? Future.succeededFuture() : ar.result();
      if (result.isComplete()) {
        returned(job, task, options, result, slot);
      } else {
        result.onComplete(done -> returned(job, task, options, result, slot));
      }
    });
    return slot.future();
  }

  /** Arms the first limit of a run: the soft one when it is below the hard one, else the hard one. */
  private void armLimits(ClaimedJob job, HandlerOptions options, Promise<Void> slot) {
    long hardMs = job.timeoutMs() != null ? job.timeoutMs() : options.getTimeout().toMillis();
    Integer ownSoft = job.softTimeoutMs();
    Duration handlerSoft = options.getSoftTimeout();
    long softMs = ownSoft != null ? ownSoft : handlerSoft != null ? handlerSoft.toMillis() : 0;
    if (softMs > 0 && softMs < hardMs) {
      job.timer(vertx.setTimer(softMs, t -> softLimit(job, options, softMs, hardMs, slot)));
    } else {
      job.timer(vertx.setTimer(hardMs, t -> hardLimit(job, options, hardMs, slot)));
    }
  }

  private void softLimit(ClaimedJob job, HandlerOptions options, long softMs, long hardMs, Promise<Void> slot) {
    job.timer(vertx.setTimer(hardMs - softMs, t -> hardLimit(job, options, hardMs, slot)));
    LOG.log(System.Logger.Level.WARNING, "{0} passed its soft time limit of {1} ms (its hard limit is {2} ms)",
        job, softMs, hardMs);
    stats.softTimeout(job);
    job.signalSoftTimeout();
  }

  private void hardLimit(ClaimedJob job, HandlerOptions options, long hardMs, Promise<Void> slot) {
    JobTimeoutException failure = new JobTimeoutException(job + " timed out after " + hardMs + " ms");
    job.timedOut(failure);
    // Settle (and arm the grace timer) before signalling: a handler that fails as soon as it is told must
    // not record its own error in place of the timeout, nor return before the timer it would cancel exists.
    if (options.getOnStuck() == HandlerOptions.OnStuck.RELEASE) {
      if (job.settle()) {
        fail(job, options, failure);
      }
      slot.tryComplete();
    }
    job.timer(vertx.setTimer(stuckGraceMs, t -> stuck(job, options, hardMs)));
    job.cancel();
    job.interrupt();
  }

  private void stuck(ClaimedJob job, HandlerOptions options, long hardMs) {
    job.timer(-1);
    if (job.hasReturned()) {
      return;
    }
    boolean held = options.getOnStuck() == HandlerOptions.OnStuck.HOLD;
    job.stuck(true);
    stats.stuck(job, owner, job.startedNanos(), job.timedOutNanos(), held);
    LOG.log(System.Logger.Level.WARNING, "{0} is stuck: its handler ignored its hard limit of {1} ms and has not "
        + "returned {2} ms later; {3}", job, hardMs, stuckGraceMs, held
        ? "its job stays with this worker, not run again, until the handler returns or the process ends"
        : "its job was given back for retry at the hard limit (onStuck: release) and may be running elsewhere");
  }

  /** The handler returned: decide the outcome (unless the hard limit did) and free the slot. */
  private void returned(ClaimedJob job, Task<?> task, HandlerOptions options, Future<?> result, Promise<Void> slot) {
    job.markReturned();
    if (job.timer() >= 0) {
      vertx.cancelTimer(job.timer());
    }
    Throwable timedOut = job.timedOut();
    if (timedOut == null) {
      settle(job, task, options, result);
    } else {
      if (job.isStuck()) {
        job.stuck(false);
        stats.stuckEnded(job);
        long lateMs = (System.nanoTime() - job.timedOutNanos()) / 1_000_000;
        LOG.log(System.Logger.Level.WARNING, "{0}: its stuck handler returned {1} ms after its hard limit", job, lateMs);
        timedOut = new JobTimeoutException(timedOut.getMessage() + "; the handler ignored it and returned " + lateMs
            + " ms later");
      }
      if (job.settle() && !settledByTransaction(job, result)) {
        fail(job, options, timedOut);
      }
    }
    slot.tryComplete();
  }

  /**
   * True when the run's own transaction wrote its outcome ({@code completeInTransaction}): committed, the
   * job is complete and nothing more is written; fenced, the job is another run's and nothing is written
   * either (a late ack). Called once the run is settled.
   */
  private boolean settledByTransaction(ClaimedJob job, Future<?> result) {
    switch (job.transactionOutcome()) {
      case COMMITTED -> {
        if (result.failed()) {
          LOG.log(System.Logger.Level.WARNING, "{0}: its handler failed after its transaction had completed the job; "
              + "the job stays completed: {1}", job, result.cause().toString());
        }
        stats.finished(job, SpoolListener.Outcome.COMPLETED, job.startedNanos(), null);
        return true;
      }
      case FENCED -> {
        LOG.log(System.Logger.Level.INFO, "{0}: its transaction was rolled back, the job being another run''s now", job);
        stats.lateAcks(1);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * Gives up on a job whose handler is still running (or that waits for a thread), as when the worker
   * stops: it is retried elsewhere, and the handler is told to stop.
   */
  public void abandon(ClaimedJob job, HandlerOptions options, Throwable reason) {
    if (job.settle()) {
      fail(job, options, reason);
    }
    if (job.isStuck()) {
      job.stuck(false);
      stats.stuckEnded(job);
    }
    job.cancel();
    job.interrupt();
  }

  /**
   * A stuck job that stays with this worker when it stops ({@link HandlerOptions.OnStuck#HOLD}): no outcome
   * is written, so it runs again only once this worker's lease on it ends (the process exits, or its
   * heartbeats stop for good).
   */
  public void leave(ClaimedJob job) {
    job.settle(); // decided by the rescuer now: should the handler return after all, nothing is written
    tracing.end(job, "left", null);
    if (job.isStuck()) {
      job.stuck(false);
      stats.stuckEnded(job);
    }
    LOG.log(System.Logger.Level.WARNING, "{0} is left to the rescuer: its stuck handler still runs as the worker "
        + "stops, so the job runs again once this process is gone", job);
  }

  /** The options of a task's handler, or defaults. */
  public HandlerOptions optionsOf(String task) {
    JobHandlers.Registration<?> registration = handlers.get(task);
    return registration == null ? new HandlerOptions() : registration.options();
  }

  private <A> Future<?> invoke(JobHandler<A> handler, A args, ClaimedJob job) {
    // current while the handler is called, so what it does at once (enqueue, call an instrumented client) is
    // in the job's span; callbacks that run later see it only through a context the handler captured
    // (Context.current().wrap): the span is not left current on the worker's event loop, which other jobs share
    Object scope = tracing.enter(job);
    try {
      Future<?> result = handler.handle(args, job);
      return result != null ? result
          : Future.failedFuture(new IllegalStateException("handler of task " + job.task() + " returned null"));
    } catch (Throwable e) {
      return Future.failedFuture(e);
    } finally {
      tracing.exit(scope);
    }
  }

  /** Decides the outcome of a run that returned: completed with its result (when it has one), or failed. */
  private void settle(ClaimedJob job, Task<?> task, HandlerOptions options, Future<?> result) {
    Future<Void> transaction = job.transactionEnded();
    if (transaction != null && !transaction.isComplete()) {
      // The handler returned before its transaction ended: the transaction decides the outcome, and an ack
      // written now could beat the transaction's own and roll its writes back.
      io.vertx.core.Context loop = vertx.getOrCreateContext();
      transaction.onComplete(ar -> loop.runOnContext(v -> settle(job, task, options, result)));
      return;
    }
    if (!job.settle() || settledByTransaction(job, result)) {
      return;
    }
    if (result.succeeded()) {
      try {
        job.result(encodeResult(task, result.result()));
      } catch (IllegalArgumentException e) {
        fail(job, options, new GiveUpException(e.getMessage()));
        return;
      }
      finished(job, SpoolListener.Outcome.COMPLETED, null);
      outcomes.completed(job);
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
    if (codec == null) {
      return null; // this task keeps no results
    }
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
      finished(job, SpoolListener.Outcome.SNOOZED, null);
      outcomes.snooze(job, delayMs);
      retryScheduled.accept(job, delayMs);
      return;
    }
    JsonObject error = Errors.describe(failure, job.attempt());
    if (options.getRetryPolicy().allowsAnotherAttempt(job.attempt(), job.maxAttempts())
        && options.getRetryPolicy().isRetryable(failure)) {
      long delayMs = options.getRetryPolicy().delayAfter(job.handlerFailures(), ThreadLocalRandom.current().nextDouble()).toMillis();
      LOG.log(System.Logger.Level.INFO, "{0} failed, retrying in {1} ms: {2}", job, delayMs, failure.toString());
      finished(job, SpoolListener.Outcome.RETRIED, failure);
      outcomes.retry(job, delayMs, error);
      retryScheduled.accept(job, delayMs);
    } else {
      LOG.log(System.Logger.Level.WARNING, "{0} is dead: {1}", job, failure.toString());
      finished(job, SpoolListener.Outcome.DEAD, failure);
      outcomes.kill(job, error);
    }
  }

  /** A run's outcome is decided: counted, told to the listener, and its span (when traced) ended. */
  private void finished(ClaimedJob job, SpoolListener.Outcome outcome, Throwable failure) {
    stats.finished(job, outcome, job.startedNanos(), failure);
    tracing.end(job, OUTCOMES[outcome.ordinal()], failure);
  }
}
