package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.QueueOptions;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fair}: what keyed queues cost and what they buy, in one run. First the drain rate of a plain
 * queue and of a fair queue whose jobs are spread over many keys (same jobs, same workers). Then the noisy
 * neighbour: key A has a backlog, key B enqueues a few jobs a second; B's pickup latency while A drains,
 * once in a fair queue and once in a plain one. One JSON line.
 */
@Command(name = "fair", mixinStandardHelpOptions = true,
    description = "Drain rate of a fair keyed queue against a plain one, and a small key's pickup latency next to a big backlog.")
final class FairCommand implements Callable<Integer> {

  static final Task<JsonObject> WORK = Task.json("loadtest.fair");
  static final String SCHEMA = "spool_loadtest_fair";

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--jobs", description = "jobs of each drain (default: ${DEFAULT-VALUE})")
  int jobs = 200_000;

  @Option(names = "--keys", description = "keys the fair drain's jobs are spread over (default: ${DEFAULT-VALUE})")
  int keys = 1_000;

  @Option(names = "--backlog", description = "key A's backlog in the noisy-neighbour run (default: ${DEFAULT-VALUE})")
  int backlog = 200_000;

  @Option(names = "--rate", description = "key B's jobs a second (default: ${DEFAULT-VALUE})")
  int rate = 10;

  @Option(names = "--seconds", description = "how long key B enqueues (default: ${DEFAULT-VALUE})")
  int seconds = 10;

  @Option(names = "--workers", description = "worker verticles (default: ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--concurrency", description = "handlers at once per verticle (default: ${DEFAULT-VALUE})")
  int concurrency = 100;

  @Override
  public Integer call() throws Exception {
    Progress progress = Progress.to(spec.commandLine().getErr());
    JsonObject result = new JsonObject().put("command", "fair").put("jobs", jobs).put("keys", keys);
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      double plain = drain(database.uri(), false, progress);
      double fair = drain(database.uri(), true, progress);
      result.put("plain_jobs_per_s", Math.round(plain)).put("fair_jobs_per_s", Math.round(fair))
          .put("ratio_fair_plain", Math.round(1000 * fair / plain) / 1000.0);
      JsonObject withFairness = neighbour(database.uri(), true, progress);
      JsonObject without = neighbour(database.uri(), false, progress);
      result.put("neighbour_fair", withFairness).put("neighbour_plain", without)
          .put("backlog", backlog).put("rate", rate);
    }
    spec.commandLine().getOut().println(result.encode());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** Enqueues {@code jobs} jobs (spread over the keys when keyed) and drains them; jobs/s of the drain. */
  private double drain(String uri, boolean keyed, Progress progress) throws Exception {
    return withSpool(uri, spool -> {
      List<JobRequest<?>> batch = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        EnqueueOptions options = new EnqueueOptions().setQueue("q");
        if (keyed) {
          options.setKey("k" + (i % keys));
        }
        batch.add(new JobRequest<>(WORK, new JsonObject().put("i", i), options));
        if (batch.size() == 5_000 || i == jobs - 1) {
          Blocking.await(spool.client().enqueueAll(batch));
          batch.clear();
        }
      }
      AtomicLong done = new AtomicLong();
      long start = System.nanoTime();
      Blocking.await(spool.deployWorkers(workerOptions(keyed), new JobHandlers().register(WORK, (args, ctx) -> {
        done.incrementAndGet();
        return Future.succeededFuture();
      }), workers));
      while (done.get() < jobs) {
        Thread.sleep(2);
      }
      double perSecond = jobs / ((System.nanoTime() - start) / 1e9);
      progress.line("%s drain: %,d jobs at %,.0f jobs/s", keyed ? "fair (" + keys + " keys)" : "plain", jobs, perSecond);
      return perSecond;
    });
  }

  /** Key A's backlog drains while key B enqueues {@code rate} jobs a second: B's pickup latency. */
  private JsonObject neighbour(String uri, boolean fair, Progress progress) throws Exception {
    return withSpool(uri, spool -> {
      List<JobRequest<?>> batch = new ArrayList<>();
      for (int i = 0; i < backlog; i++) {
        batch.add(new JobRequest<>(WORK, new JsonObject().put("key", "A"), new EnqueueOptions().setQueue("q").setKey("A")));
        if (batch.size() == 5_000 || i == backlog - 1) {
          Blocking.await(spool.client().enqueueAll(batch));
          batch.clear();
        }
      }
      Recorder pickups = new Recorder(3);
      AtomicLong doneA = new AtomicLong();
      AtomicLong doneB = new AtomicLong();
      Blocking.await(spool.deployWorkers(workerOptions(fair), new JobHandlers().register(WORK, (args, ctx) -> {
        if ("B".equals(args.getString("key"))) {
          pickups.recordValue(Math.max(0, System.currentTimeMillis() - args.getLong("at")));
          doneB.incrementAndGet();
        } else {
          doneA.incrementAndGet();
        }
        return Future.succeededFuture();
      }), workers));
      int total = rate * seconds;
      long next = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        spool.client().enqueue(WORK, new JsonObject().put("key", "B").put("at", System.currentTimeMillis()),
            new EnqueueOptions().setQueue("q").setKey("B"));
        next += 1_000_000_000L / rate;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (doneB.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Histogram h = pickups.getIntervalHistogram();
      JsonObject figures = new JsonObject().put("b_jobs", doneB.get()).put("a_done_when_b_done", doneA.get())
          .put("b_pickup_p50_ms", h.getValueAtPercentile(50)).put("b_pickup_p99_ms", h.getValueAtPercentile(99))
          .put("b_pickup_max_ms", h.getMaxValue());
      progress.line("%s queue: key B pickup p50 %d ms, p99 %d ms (A had run %,d of %,d by then)",
          fair ? "fair" : "plain", h.getValueAtPercentile(50), h.getValueAtPercentile(99), doneA.get(), backlog);
      return figures;
    });
  }

  private WorkerOptions workerOptions(boolean fair) {
    WorkerOptions options = new WorkerOptions().setQueues("q").setConcurrency(concurrency);
    return fair ? options.setQueueOptions("q", new QueueOptions().setFair(true).setPrefetch(WorkerOptions.DEFAULT_PREFETCH)) : options;
  }

  /** Runs {@code work} on a Spool of a fresh scratch schema, then closes everything. */
  private <T> T withSpool(String uri, SpoolWork<T> work) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).options(new SpoolOptions().setSchema(SCHEMA)).build();
      Blocking.await(new Checks(spool).resetSchema());
      return work.run(spool);
    } finally {
      Blocking.await(vertx.close());
    }
  }

  @FunctionalInterface
  private interface SpoolWork<T> {
    T run(Spool spool) throws Exception;
  }
}
