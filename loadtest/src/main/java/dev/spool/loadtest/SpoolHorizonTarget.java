package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobRequest;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Spool under the horizon scenario: jobs enqueued through Spool's client (batches per tick, as an application
 * would), run by a {@link HorizonWorker} process with the default worker options, whose leader vacuums the
 * jobs table as it does in production. With {@code --keys} N, the queue is fair and its jobs carry N keys in turn.
 */
final class SpoolHorizonTarget implements HorizonTarget {

  private static final JsonObject ARGS = new JsonObject();
  /** The probe claims this many jobs: about what one claim of the worker takes at a few hundred jobs/s. */
  static final int PROBE_BATCH = 10;
  /**
   * The probe of a fair queue claims this many: what the worker asks for with its slots free (its concurrency; a
   * keyed queue prefetches nothing by default). A fair claim serves at most a tenth of its batch in keys, so a
   * probe of {@link #PROBE_BATCH} would read one key where the worker's claims read up to ten.
   */
  static final int KEYED_PROBE_BATCH = WorkerOptions.DEFAULT_CONCURRENCY;

  private final Spool spool;
  private final Checks checks;
  private final String uri;
  private final int workers;
  private final Progress progress;
  /** The keys' options, one per key (empty: a plain queue, no key). */
  private final List<EnqueueOptions> keyOptions;
  private final String[] keys;
  /** The next job's key, round robin; enqueues come from one timer, on one event loop. */
  private long nextKey;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  /** Pickup histograms of the worker, by the epoch second it printed them. */
  private final Map<Long, Histogram> pickups = new ConcurrentSkipListMap<>();
  private ChildJvm.Started worker;

  /** @param keys the number of keys: 0 for a plain queue */
  SpoolHorizonTarget(Spool spool, Checks checks, String uri, int workers, int keys, Progress progress) {
    this.spool = spool;
    this.checks = checks;
    this.uri = uri;
    this.workers = workers;
    this.progress = progress;
    this.keys = HorizonSettings.keyNames(keys);
    this.keyOptions = Arrays.stream(this.keys).map(k -> new EnqueueOptions().setKey(k)).toList();
  }

  /** The probe's batch: see {@link #KEYED_PROBE_BATCH}. */
  static int probeBatch(int keys) {
    return keys > 0 ? KEYED_PROBE_BATCH : PROBE_BATCH;
  }

  @Override
  public void setUp() {
    Blocking.await(checks.resetSchema());
  }

  @Override
  public void startWorker() throws Exception {
    worker = ChildJvm.start(HorizonWorker.class, this::workerLine, uri, spool.options().getSchema(),
        String.valueOf(workers), keys.length > 0 ? HorizonWorker.FAIR : "plain");
    progress.line("spool: worker process %s up (%d verticles, %s)", worker.nodeId(), workers, workerOptions());
  }

  private void workerLine(String line) {
    if (line.startsWith(HorizonWorker.PICKUP)) {
      String[] parts = line.substring(HorizonWorker.PICKUP.length()).split(" ", 2);
      pickups.put(Long.parseLong(parts[0]), HorizonWorker.decode(parts[1]));
    } else if (line.contains("WARNING") || line.contains("SEVERE") || line.contains("Exception")) {
      progress.line("worker: %s", line);
    }
  }

  @Override
  public void enqueue(int n) {
    Future<List<Long>> sent;
    if (keys.length == 0) {
      sent = spool.client().enqueueBatch(Drain.NOOP, Collections.nCopies(n, ARGS), new EnqueueOptions());
    } else {
      List<JobRequest<?>> jobs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        jobs.add(new JobRequest<>(Drain.NOOP, ARGS, keyOptions.get((int) (nextKey++ % keys.length))));
      }
      sent = spool.client().enqueueAll(jobs);
    }
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        enqueued.addAndGet(n);
      } else {
        enqueueErrors.addAndGet(n);
        progress.line("enqueue of %d jobs failed: %s", n, ar.cause());
      }
    });
  }

  @Override
  public long enqueued() {
    return enqueued.get();
  }

  @Override
  public long enqueueErrors() {
    return enqueueErrors.get();
  }

  @Override
  public String table() {
    return spool.options().getSchema() + ".jobs";
  }

  @Override
  public long backlog() {
    return Blocking.await(spool.pool().query(checks.sql("HorizonSpoolBacklog")).execute()).iterator().next()
        .getLong("backlog");
  }

  /** The worker prints a second's histogram just after it ends: the one printed at second s covers s - 1. */
  @Override
  public Histogram pickups(long fromMillis, long toMillis) {
    Histogram all = new Histogram(Steady.HISTOGRAM_DIGITS);
    long from = fromMillis / 1000 + 1;
    long to = toMillis / 1000 + 1;
    pickups.forEach((second, h) -> {
      if (second >= from && second < to) {
        all.add(h);
      }
    });
    return all;
  }

  @Override
  public ClaimProbe probe() {
    return keys.length == 0
        ? ClaimProbe.spool(spool.vertx(), spool.options().getSchema(), Drain.NOOP.name(), PROBE_BATCH)
        : ClaimProbe.spoolKeyed(spool.vertx(), spool.options().getSchema(), Drain.NOOP.name(), KEYED_PROBE_BATCH,
            keys);
  }

  @Override
  public String pinReadSql() {
    return checks.sql("HorizonPinReadSpool");
  }

  @Override
  public String analyticsSql() {
    return checks.sql("HorizonAnalyticsSpool");
  }

  @Override
  public void stop() throws InterruptedException {
    if (worker != null) {
      worker.process().destroy(); // SIGTERM: the worker stops gracefully
      worker.process().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public JsonObject describe() {
    return new JsonObject().put("workers", workers).put("worker_options", workerOptions()).put("keys", keys.length)
        .put("probe_batch", probeBatch(keys.length))
        .put("probe", keys.length == 0 ? "ClaimJobsFrom" : "ClaimJobsKeyedFrom, all keys");
  }

  private String workerOptions() {
    return keys.length == 0 ? "defaults" : "defaults, the queue fair over " + keys.length + " keys";
  }
}
