package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Spool under the horizon scenario: jobs enqueued through Spool's client (batches per tick, as an application
 * would), run by a {@link HorizonWorker} process with the default worker options, whose leader vacuums the
 * jobs table as it does in production.
 */
final class SpoolHorizonTarget implements HorizonTarget {

  private static final JsonObject ARGS = new JsonObject();
  /** The probe claims this many jobs: about what one claim of the worker takes at a few hundred jobs/s. */
  static final int PROBE_BATCH = 10;

  private final Spool spool;
  private final Checks checks;
  private final String uri;
  private final int workers;
  private final Progress progress;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  /** Pickup histograms of the worker, by the epoch second it printed them. */
  private final Map<Long, Histogram> pickups = new ConcurrentSkipListMap<>();
  private ChildJvm.Started worker;

  SpoolHorizonTarget(Spool spool, Checks checks, String uri, int workers, Progress progress) {
    this.spool = spool;
    this.checks = checks;
    this.uri = uri;
    this.workers = workers;
    this.progress = progress;
  }

  @Override
  public void setUp() {
    Blocking.await(checks.resetSchema());
  }

  @Override
  public void startWorker() throws Exception {
    worker = ChildJvm.start(HorizonWorker.class, this::workerLine, uri, spool.options().getSchema(),
        String.valueOf(workers));
    progress.line("spool: worker process %s up (%d verticles, default worker options)", worker.nodeId(), workers);
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
    spool.client().enqueueBatch(Drain.NOOP, Collections.nCopies(n, ARGS), new EnqueueOptions()).onComplete(ar -> {
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
    return ClaimProbe.spool(spool.vertx(), spool.options().getSchema(), Drain.NOOP.name(), PROBE_BATCH);
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
    return new JsonObject().put("workers", workers).put("worker_options", "defaults").put("probe_batch", PROBE_BATCH);
  }
}
