package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Spool;
import dev.spool.Task;
import dev.spool.Workflow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs {@code upgrade} keeps flowing through every phase, from this process (this release's client):
 * plain jobs at a steady rate, small workflows (a chain of 3, a chord of 2 and its callback) and jobs a client
 * awaits. It keeps every id it was given and the span of every enqueue, so the run can say what was lost and
 * how long an enqueue waited while {@code migrate} ran.
 */
final class UpgradeLoad {

  static final Task<JsonObject> TASK = Task.json(UpgradeTask.NAME);
  static final long TICK_MS = 50;
  static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);
  private static final int SAMPLES = 10;

  private final Spool spool;
  private final UpgradeSettings settings;
  private final JsonObject args;
  private final Set<Long> ids = ConcurrentHashMap.newKeySet();
  private final List<long[]> enqueueSpans = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong plain = new AtomicLong();
  private final AtomicLong workflows = new AtomicLong();
  private final AtomicLong awaits = new AtomicLong();
  private final AtomicLong awaitsAnswered = new AtomicLong();
  private final AtomicLong longestAwaitMs = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  private final AtomicLong awaitErrors = new AtomicLong();
  private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
  private final List<Long> timers = new ArrayList<>();

  UpgradeLoad(Spool spool, UpgradeSettings settings) {
    this.spool = spool;
    this.settings = settings;
    this.args = new JsonObject().put("ms", settings.jobMs);
  }

  void start() {
    long start = System.nanoTime();
    long[] sent = {0};
    timers.add(spool.vertx().setPeriodic(TICK_MS, t -> {
      int due = (int) ((System.nanoTime() - start) * settings.rate / 1_000_000_000L - sent[0]);
      if (due > 0) {
        sent[0] += due;
        enqueuePlain(due);
      }
    }));
    if (settings.workflowsPerSecond > 0) {
      timers.add(spool.vertx().setPeriodic(Math.max(1, 1000 / settings.workflowsPerSecond), t -> enqueueWorkflows()));
    }
    if (settings.awaitsPerSecond > 0) {
      timers.add(spool.vertx().setPeriodic(Math.max(1, 1000 / settings.awaitsPerSecond), t -> enqueueAndAwait()));
    }
  }

  /** Stops enqueueing and waits for the enqueues and awaits in flight to end. */
  void stop() {
    timers.forEach(spool.vertx()::cancelTimer);
    long deadline = System.nanoTime() + AWAIT_TIMEOUT.toNanos() * 2;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Blocking.sleep(50);
    }
  }

  private void enqueuePlain(int n) {
    List<JsonObject> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(args);
    }
    timed(spool.client().enqueueBatch(TASK, batch, new EnqueueOptions())).onSuccess(given -> {
      ids.addAll(given);
      plain.addAndGet(given.size());
    });
  }

  private void enqueueWorkflows() {
    long n = workflows.getAndAdd(2);
    timed(spool.client().enqueueWorkflow(Workflow.chain("chain-" + n, requests(3))))
        .onSuccess(run -> ids.addAll(run.steps().values()));
    timed(spool.client().enqueueWorkflow(Workflow.chord("chord-" + n, requests(2), new JobRequest<>(TASK, args, new EnqueueOptions()))))
        .onSuccess(run -> ids.addAll(run.steps().values()));
  }

  private List<JobRequest<?>> requests(int n) {
    List<JobRequest<?>> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new JobRequest<>(TASK, args, new EnqueueOptions()));
    }
    return jobs;
  }

  /** One job awaited by the client: the await must end with the job's result, its arguments. */
  private void enqueueAndAwait() {
    JsonObject awaited = args.copy().put("await", awaits.incrementAndGet());
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    timed(spool.client().enqueue(TASK, awaited)).compose(id -> {
      ids.add(id);
      return spool.client().await(id, AWAIT_TIMEOUT);
    }).onComplete(ar -> {
      longestAwaitMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
      if (ar.succeeded() && ar.result().isCompleted() && awaited.equals(ar.result().json())) {
        awaitsAnswered.incrementAndGet();
      } else {
        awaitErrors.incrementAndGet();
        sample("await: " + (ar.succeeded() ? ar.result().toJson().encode() : ar.cause().toString()));
      }
      inFlight.decrementAndGet();
    });
  }

  private <T> Future<T> timed(Future<T> enqueue) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    return enqueue.onComplete(ar -> {
      synchronized (enqueueSpans) {
        enqueueSpans.add(new long[] {start, System.nanoTime()});
      }
      if (ar.failed()) {
        enqueueErrors.incrementAndGet();
        sample("enqueue: " + ar.cause());
      }
      inFlight.decrementAndGet();
    });
  }

  private void sample(String error) {
    if (errorSamples.size() < SAMPLES) {
      errorSamples.add(error);
    }
  }

  /** The longest enqueue of those that were in flight at some moment between {@code fromNanos} and {@code toNanos}. */
  long longestEnqueueMs(long fromNanos, long toNanos) {
    long longest = 0;
    synchronized (enqueueSpans) {
      for (long[] span : enqueueSpans) {
        if (span[1] >= fromNanos && span[0] <= toNanos) {
          longest = Math.max(longest, span[1] - span[0]);
        }
      }
    }
    return longest / 1_000_000;
  }

  /** Every job id the enqueues returned. */
  Collection<Long> ids() {
    return ids;
  }

  long plain() {
    return plain.get();
  }

  long workflows() {
    return workflows.get();
  }

  long awaits() {
    return awaits.get();
  }

  long awaitsAnswered() {
    return awaitsAnswered.get();
  }

  long awaitErrors() {
    return awaitErrors.get();
  }

  long longestAwaitMs() {
    return longestAwaitMs.get();
  }

  long enqueueErrors() {
    return enqueueErrors.get();
  }

  List<String> errorSamples() {
    return new ArrayList<>(errorSamples);
  }
}
