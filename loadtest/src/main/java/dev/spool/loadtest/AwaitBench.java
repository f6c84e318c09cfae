package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The run behind {@link AwaitCommand}: every job is enqueued and awaited while its queue is paused (the run
 * waits until the table shows every await registered), so each await is answered by the NOTIFY of its
 * job's ack and not by the row it read when it registered.
 *
 * <p>Rounds of the same size run first, unreported ({@code --warmup-rounds}): the plain warm-up drain leaves
 * the await path (the notification, the read, the answers) to the interpreter, and a cold first round
 * measures the JIT, not the path a running service has.
 *
 * <p>Two latencies per await: from the ack on the database clock ({@code finished_at}, compared with this
 * JVM's wall clock, so meaningful when the server shares this machine's clock) and from the handler's
 * return on this JVM's monotonic clock (which adds the ack's batching, up to the ack flush interval).
 */
final class AwaitBench {

  /** The awaited jobs' task; its handler only notes when it returned. */
  static final Task<JsonObject> AWAITED = Task.json("loadtest.awaited");
  private static final String QUEUE = EnqueueOptions.DEFAULT_QUEUE;
  /** What each job completes with under {@code --with-result}: about 30 bytes, which its ack's notification carries. */
  private static final JsonObject RESULT = new JsonObject().put("status", "done").put("rows", 1000);

  private final AwaitCommand settings;
  private final Progress progress;

  AwaitBench(AwaitCommand settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) throws InterruptedException {
    if (settings.warmupJobs > 0) {
      progress.line("warm-up: %,d plain jobs, not reported", settings.warmupJobs);
      DrainSettings warmup = new DrainSettings();
      warmup.db = uri;
      warmup.schema = settings.schema;
      warmup.jobs = settings.warmupJobs;
      warmup.warmupJobs = 0;
      warmup.workers = settings.workers;
      new Drain(warmup, progress).run(uri);
    }
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri)
          .options(new SpoolOptions().setSchema(settings.schema).setKeepCompleted(true)).build();
      try {
        return rounds(spool);
      } finally {
        Blocking.await(spool.close());
      }
    } finally {
      Blocking.await(vertx.close());
    }
  }

  /** When each awaited job's handler returned, by id from base: the round now running. */
  private record HandlerMarks(long base, AtomicLongArray done) {}

  /**
   * The workers stay deployed through every round, as in a running service; the queue is paused while a
   * round's jobs are enqueued and awaited, and its resume starts the round.
   */
  private JsonObject rounds(Spool spool) throws InterruptedException {
    Checks checks = new Checks(spool);
    Blocking.await(checks.resetSchema());
    Blocking.await(spool.client().pauseQueue(QUEUE));
    AtomicReference<HandlerMarks> marks = new AtomicReference<>();
    JobHandlers handlers = new JobHandlers().register(AWAITED, (args, ctx) -> {
      HandlerMarks m = marks.get();
      m.done().set((int) (ctx.id() - m.base()), System.nanoTime());
      return Future.succeededFuture(settings.withResult ? RESULT : null);
    });
    String deployment = Blocking.await(
        spool.deployWorkers(settings.workers.toWorkerOptions(), handlers, settings.workers.workers));
    try {
      JsonArray warmupP99 = new JsonArray();
      for (int round = 1; round <= settings.warmupRounds; round++) {
        JsonObject warm = round(spool, checks, marks);
        progress.line("await warm-up round %d of %d (not reported): p99 %s ms", round, settings.warmupRounds,
            warm.getValue("p99_ms"));
        warmupP99.add(warm.getValue("p99_ms"));
      }
      return round(spool, checks, marks).put("warmup_rounds", settings.warmupRounds)
          .put("with_result", settings.withResult).put("warmup_p99_ms", warmupP99);
    } finally {
      Blocking.await(spool.vertx().undeploy(deployment));
    }
  }

  private JsonObject round(Spool spool, Checks checks, AtomicReference<HandlerMarks> marks) throws InterruptedException {
    int n = settings.jobs;
    long[] ids = new long[n];
    for (int from = 0; from < n; from += DrainSettings.DEFAULT_ENQUEUE_BATCH) {
      int size = Math.min(DrainSettings.DEFAULT_ENQUEUE_BATCH, n - from);
      List<Long> batch = Blocking.await(spool.client().enqueueBatch(AWAITED,
          Collections.nCopies(size, new JsonObject()), new EnqueueOptions()));
      for (int i = 0; i < size; i++) {
        ids[from + i] = batch.get(i);
      }
    }
    long base = Arrays.stream(ids).min().orElse(0);
    int span = (int) (Arrays.stream(ids).max().orElse(0) - base + 1);
    AtomicLongArray handlerDone = new AtomicLongArray(span);
    AtomicLongArray answeredNanos = new AtomicLongArray(span);
    Instant[] answeredAt = new Instant[span];
    CountDownLatch answered = new CountDownLatch(n);
    AtomicLong failed = new AtomicLong();
    AtomicLong notCompleted = new AtomicLong();
    Duration timeout = Duration.ofSeconds(settings.timeoutSeconds);
    progress.line("enqueued %,d jobs; registering %,d awaits", n, n);
    for (long id : ids) {
      int index = (int) (id - base);
      spool.client().await(id, timeout).onComplete(ar -> {
        answeredNanos.set(index, System.nanoTime());
        answeredAt[index] = Instant.now();
        if (ar.failed()) {
          failed.incrementAndGet();
        } else if (!ar.result().isCompleted()) {
          notCompleted.incrementAndGet();
        }
        answered.countDown();
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
    long registered = 0;
    while ((registered = count(spool, checks.sql("AwaitedCount"))) < n && System.nanoTime() < deadline) {
      Blocking.sleep(20);
    }
    progress.line("%,d awaits registered; resuming the queue to %s", registered, settings.workers.describe());

    marks.set(new HandlerMarks(base, handlerDone));
    long start = System.nanoTime();
    Blocking.await(spool.client().resumeQueue(QUEUE));
    while (!answered.await(Drain.PROGRESS_INTERVAL_MS, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
      progress.line("%,10d of %,d awaits answered", n - answered.getCount(), n);
    }
    boolean timedOut = answered.getCount() > 0;
    double seconds = (System.nanoTime() - start) / 1e9;
    Blocking.await(spool.client().pauseQueue(QUEUE));

    List<Double> fromAck = new ArrayList<>(n);
    Long[] boxed = Arrays.stream(ids).boxed().toArray(Long[]::new);
    for (Row row : Blocking.await(spool.pool().preparedQuery(checks.sql("FinishedAt")).execute(Tuple.of((Object) boxed)))) {
      int index = (int) (row.getLong("id") - base);
      var finishedAt = row.getOffsetDateTime("finished_at");
      if (finishedAt != null && answeredAt[index] != null) {
        fromAck.add(ChronoUnit.MICROS.between(finishedAt.toInstant(), answeredAt[index]) / 1000.0);
      }
    }
    List<Double> fromHandler = new ArrayList<>(n);
    for (int i = 0; i < span; i++) {
      if (handlerDone.get(i) != 0 && answeredNanos.get(i) != 0) {
        fromHandler.add((answeredNanos.get(i) - handlerDone.get(i)) / 1e6);
      }
    }
    JsonObject ack = percentiles(fromAck);
    JsonObject result = new JsonObject()
        .put("command", "await")
        .put("jobs", n)
        .put("answered", n - answered.getCount())
        .put("failed", failed.get())
        .put("not_completed", notCompleted.get())
        .put("p50_ms", ack.getDouble("p50"))
        .put("p99_ms", ack.getDouble("p99"))
        .put("max_ms", ack.getDouble("max"))
        .put("from_handler_ms", percentiles(fromHandler))
        .put("target_met", !timedOut && ack.getDouble("p99") != null && ack.getDouble("p99") <= AwaitCommand.P99_TARGET_MS)
        .put("jobs_per_s", Math.round(n / seconds))
        .put("timed_out", timedOut)
        .put("warmup_jobs", settings.warmupJobs);
    settings.workers.toJson().forEach(e -> result.put(e.getKey(), e.getValue()));
    progress.line("%s", result.encode());
    return result;
  }

  private static long count(Spool spool, String sql) {
    return Blocking.await(spool.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  /** p50, p99 and max in ms (three decimals); nulls when there is nothing to rank. */
  static JsonObject percentiles(List<Double> values) {
    if (values.isEmpty()) {
      return new JsonObject().putNull("p50").putNull("p99").putNull("max").put("n", 0);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new JsonObject()
        .put("p50", WorkflowBench.round3(rank(sorted, 0.50)))
        .put("p99", WorkflowBench.round3(rank(sorted, 0.99)))
        .put("max", WorkflowBench.round3(sorted[sorted.length - 1]))
        .put("n", sorted.length);
  }

  private static double rank(double[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
