package dev.spool.loadtest;

import dev.spool.BlockingJobHandler;
import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.JobHandler;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One drain run: enqueue N no-op jobs (or jobs of a built-in task, {@code --task spool.block --args
 * '{"ms":20}'}) in batches, then start the workers and time them until every job has run and its outcome
 * is in the table (rows gone, or all {@code completed} with {@code --keep}). It also counts Vert.x's
 * "Thread blocked" warnings during the measured run, and for {@code --task} the most handlers that ran at
 * once.
 *
 * <p>The clock starts when the workers are deployed, so the figure includes their connecting and their
 * first claim, like a worker fleet restarted in front of a backlog; it stops when a count of the table
 * shows no unfinished row, so acks still buffered in a worker do not count as done.
 */
final class Drain {

  /** The task of every job; its handler does nothing but count. */
  static final Task<JsonObject> NOOP = Task.json("loadtest.noop");
  /** How often a person watching sees a line. */
  static final long PROGRESS_INTERVAL_MS = 1_000;
  /** Pause between counts of the table once every job has run: the last acks land within a flush or two. */
  static final long ACK_POLL_MS = 2;

  private final DrainSettings settings;
  private final Progress progress;
  /** Handlers of {@code --task} running now, and the most at once (the plain no-op drain counts neither). */
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostRunning = new AtomicInteger();

  Drain(DrainSettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs against {@code uri}, after the warm-up run if any; the result is the JSON line the command prints. */
  JsonObject run(String uri) throws InterruptedException {
    settings.validate();
    if (settings.warmupJobs > 0) {
      progress.line("warm-up: %,d jobs, not reported", settings.warmupJobs);
      JsonObject warmup = new Drain(settings.warmup(), progress).runOnce(uri);
      if (DrainCommand.failed(warmup)) {
        return warmup.put("warmup_failed", true);
      }
    }
    JsonObject result = runOnce(uri);
    return result.put("warmup_jobs", settings.warmupJobs);
  }

  private JsonObject runOnce(String uri) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri)
          .options(new SpoolOptions().setSchema(settings.schema).setKeepCompleted(settings.keep))
          .build();
      try {
        return run(spool);
      } finally {
        Blocking.await(spool.close());
      }
    } finally {
      Blocking.await(vertx.close());
    }
  }

  private JsonObject run(Spool spool) throws InterruptedException {
    Checks checks = new Checks(spool);
    Blocking.await(checks.resetSchema());
    if (settings.seed != null) {
      Blocking.await(settings.seed.seed(spool, checks));
      checks.countFromNow();
    }
    progress.line("schema %s ready; enqueueing %,d jobs in batches of %,d over %,d queue(s)", settings.schema,
        settings.jobs, settings.effectiveEnqueueBatch(), settings.queues);

    long enqueueStart = System.nanoTime();
    long[] ids = enqueue(spool);
    double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
    progress.line("enqueued %,d jobs in %.2f s (%,.0f jobs/s); draining with %s", settings.jobs, enqueueSeconds,
        settings.jobs / enqueueSeconds, settings.workers.describe());

    Ledger ledger = new Ledger(ids);
    JobHandlers handlers = settings.task == null ? new JobHandlers().register(NOOP, (args, ctx) -> {
      ledger.executed(ctx.id());
      return Future.succeededFuture();
    }) : builtIn(ledger);
    BlockedThreadWarnings blocked = BlockedThreadWarnings.watch();
    CostMeter meter = new CostMeter(checks);
    CostMeter.Snapshot costStart = meter.snapshot();
    long drainStart = System.nanoTime();
    Future<String> deployment;
    Future<?> during = null;
    long[] duringNanos = {0};
    long[] counts;
    boolean timedOut;
    try {
      deployment = spool.deployWorkers(settings.workers.toWorkerOptions().setQueues(settings.queueNames()), handlers,
          settings.workers.workers);
      if (settings.during != null) {
        long duringStart = System.nanoTime();
        during = settings.during.apply(spool).onComplete(ar -> duringNanos[0] = System.nanoTime() - duringStart);
      }
      long deadline = drainStart + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
      timedOut = !awaitExecuted(ledger, deployment, drainStart, deadline);
      counts = timedOut ? Blocking.await(checks.countJobs()) : awaitAcked(checks, deadline);
      timedOut |= counts[0] > 0;
    } finally {
      blocked.close();
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    JsonObject cost = meter.since(costStart, settings.jobs);
    Object duringResult = during == null ? null : Blocking.await(during);

    List<Long> open = Blocking.await(checks.openJobIds());
    long lost = ledger.lost(open);
    long duplicates = ledger.duplicates();
    Double idleStatements = null;
    if (settings.idleSeconds > 0 && deployment.succeeded()) {
      IdleCost idle = new IdleCost(spool, checks);
      idleStatements = Math.round(idle.measure(settings.idleSeconds) * 10) / 10.0;
      progress.line("idle, %,d queue(s) empty: %.1f statements/s (%s)", settings.queues, idleStatements,
          idle.source().label);
    }
    if (deployment.succeeded()) {
      Blocking.await(spool.vertx().undeploy(deployment.result()));
    }
    if (timedOut) {
      progress.line("gave up after %d s: %,d rows unfinished", settings.timeoutSeconds, counts[0]);
    }
    progress.line("drained %,d jobs in %.2f s: %,.0f jobs/s; lost %d, duplicates %d%s; %d \"Thread blocked\" warnings",
        settings.jobs, drainSeconds, settings.jobs / drainSeconds, lost, duplicates,
        settings.keep ? " (" + counts[1] + " kept as completed)" : "", blocked.count());

    JsonObject result = new JsonObject()
        .put("command", "drain")
        .put("jobs", settings.jobs)
        .put("enqueue_jobs_per_s", Math.round(settings.jobs / enqueueSeconds))
        .put("drain_jobs_per_s", Math.round(settings.jobs / drainSeconds))
        .put("drain_seconds", Math.round(drainSeconds * 1000) / 1000.0)
        .put("lost", lost)
        .put("duplicates", duplicates)
        .put("unexpected", ledger.unexpected())
        .put("timed_out", timedOut)
        .put("keep", settings.keep)
        .put("enqueue_batch", settings.effectiveEnqueueBatch())
        .put("queues", settings.queues)
        .put("payload_bytes", settings.payloadBytes)
        .put("cost", cost)
        .put("task", settings.task == null ? NOOP.name() : settings.task)
        .put("thread_blocked_warnings", blocked.count());
    if (idleStatements != null) {
      result.put("idle_statements_per_s", idleStatements);
    }
    if (during != null) {
      result.put("during_result", duringResult).put("during_seconds", Math.round(duringNanos[0] / 1e6) / 1000.0);
    }
    if (settings.task != null) {
      result.put("args", settings.taskArgs()).put("max_concurrent_handlers", mostRunning.get());
    }
    settings.workers.toJson().forEach(e -> result.put(e.getKey(), e.getValue()));
    return result;
  }

  /**
   * The built-in tasks, the one of {@code --task} counting its runs in the ledger and how many run at
   * once; a blocking handler stays blocking, so it runs on the pool (or virtual threads) as in a worker.
   */
  private JobHandlers builtIn(Ledger ledger) {
    JobHandlers all = BuiltInTasks.register(new JobHandlers());
    JobHandlers out = new JobHandlers();
    for (JobHandlers.Registration<?> r : all.registrations()) {
      if (r.task().name().equals(settings.task)) {
        counted(out, r, ledger);
      } else {
        add(out, r);
      }
    }
    return out;
  }

  private static <A> void add(JobHandlers into, JobHandlers.Registration<A> r) {
    into.register(r.task(), r.handler(), r.options());
  }

  private <A> void counted(JobHandlers into, JobHandlers.Registration<A> r, Ledger ledger) {
    JobHandler<A> inner = r.handler();
    if (inner instanceof BlockingJobHandler<A> blocking) {
      into.register(r.task(), JobHandler.blocking((args, ctx) -> {
        ledger.executed(ctx.id());
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          blocking.run(args, ctx);
        } finally {
          running.decrementAndGet();
        }
      }), r.options());
      return;
    }
    into.register(r.task(), (args, ctx) -> {
      ledger.executed(ctx.id());
      mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      Future<?> result;
      try {
        result = inner.handle(args, ctx);
      } catch (Exception e) {
        running.decrementAndGet();
        throw e;
      }
      return result.onComplete(ar -> running.decrementAndGet());
    }, r.options());
  }

  /**
   * Enqueues the jobs with up to {@code enqueueInFlight} statements in flight, building the next batch
   * while the previous ones travel; returns the ids in enqueue order.
   */
  long[] enqueue(Spool spool) throws InterruptedException {
    int jobs = settings.jobs;
    long[] ids = new long[jobs];
    Semaphore inFlight = new Semaphore(settings.enqueueInFlight);
    int batch = settings.effectiveEnqueueBatch();
    int batches = (jobs + batch - 1) / batch;
    CountDownLatch done = new CountDownLatch(batches);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<EnqueueOptions> queues = settings.queueNames().stream().map(q -> new EnqueueOptions().setQueue(q)).toList();
    Task<JsonObject> task = settings.task == null ? NOOP : Task.json(settings.task);
    JsonObject taskArgs = settings.taskArgs();
    String padding = "x".repeat(settings.payloadBytes);
    for (int from = 0, b = 0; from < jobs && failure.get() == null; from += batch, b++) {
      int n = Math.min(batch, jobs - from);
      List<JsonObject> args = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        JsonObject noop = new JsonObject().put("i", from + i);
        args.add(settings.task != null ? taskArgs : padding.isEmpty() ? noop : noop.put("pad", padding));
      }
      EnqueueOptions options = queues.get(b % queues.size());
      inFlight.acquire();
      int offset = from;
      spool.client().enqueueBatch(task, args, options).onComplete(ar -> {
        if (ar.succeeded()) {
          List<Long> batchIds = ar.result();
          for (int i = 0; i < batchIds.size(); i++) {
            ids[offset + i] = batchIds.get(i);
          }
        } else {
          failure.compareAndSet(null, ar.cause());
        }
        inFlight.release();
        done.countDown();
      });
    }
    if (failure.get() == null && !done.await(Blocking.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("enqueue did not finish within " + Blocking.DEFAULT_TIMEOUT.toSeconds() + " s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("enqueue failed: " + failure.get(), failure.get());
    }
    return ids;
  }

  /** Waits for every job to have run once, with a progress line a second; false on timeout. */
  private boolean awaitExecuted(Ledger ledger, Future<String> deployment, long start, long deadline)
      throws InterruptedException {
    long lastExecuted = 0;
    long lastNanos = start;
    while (!ledger.awaitAllExecuted(PROGRESS_INTERVAL_MS)) {
      if (deployment.failed()) {
        throw new IllegalStateException("could not deploy the workers: " + deployment.cause(), deployment.cause());
      }
      long now = System.nanoTime();
      long executed = ledger.executedCount();
      progress.line("%,10d of %,d run  %,9.0f jobs/s", executed, ledger.expectedCount(),
          (executed - lastExecuted) / ((now - lastNanos) / 1e9));
      lastExecuted = executed;
      lastNanos = now;
      if (now > deadline) {
        return false;
      }
    }
    return true;
  }

  /** Counts the table until no row is unfinished, or the deadline; returns the last {@code [open, completed]}. */
  private long[] awaitAcked(Checks checks, long deadline) {
    while (true) {
      long[] counts = Blocking.await(checks.countJobs());
      if (counts[0] == 0 || System.nanoTime() > deadline) {
        return counts;
      }
      Blocking.sleep(ACK_POLL_MS);
    }
  }
}
