package dev.spool.loadtest;

import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.RetentionOptions;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The worker process of a soak run: runs {@code soak.job} on the default worker options until stopped, logs
 * each job's deciding run ({@code CreateSoakRuns}), and every sample interval prints {@code SAMPLE {json}}
 * with its heap after a full GC, its resident set and its threads. Arguments: database URI, schema, seconds
 * between samples. A job's {@code fail} argument says how it ends: 0 succeeds, 1 fails its first run and
 * succeeds on the retry, -1 fails every run and ends dead.
 */
public final class SoakWorker {

  static final Task<JsonObject> JOB = Task.json("soak.job");
  /** Every failure is planned; a log line that does not carry this is worth explaining. */
  static final String PLANNED = "soak: planned failure";
  /** Attempts of a soak job (set at enqueue, so a run knows when it is the last). */
  static final int MAX_ATTEMPTS = 3;
  /** Retries come quickly so a failing job ends within seconds, as a soak needs. */
  static final HandlerOptions RETRIES = new HandlerOptions()
      .setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(100)));
  /** Dead jobs are pruned after this, so the table stays the size of its working set. */
  static final Duration DEAD_RETENTION = Duration.ofMinutes(2);

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0])
        .options(new SpoolOptions().setSchema(args[1])
            .setRetention(new RetentionOptions().setDead(DEAD_RETENTION))).build();
    long sampleMs = Long.parseLong(args[2]) * 1000;
    String recordSql = new Checks(spool).sql("RecordSoakRun");
    // The run log commits asynchronously, as the worker's own acks do: waiting for a WAL flush per row, its
    // one connection (not Spool) bounded the run at a few hundred jobs a second.
    SqlClient log = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(1)),
        o -> o.addProperty("synchronous_commit", "off")).using(vertx).build();
    JobHandlers handlers = new JobHandlers().register(JOB, (job, ctx) -> {
      int fail = job.getInteger("fail", 0);
      boolean fails = fail < 0 || ctx.attempt() <= fail;
      if (fails && !ctx.isLastAttempt()) {
        return Future.failedFuture(new IllegalStateException(PLANNED));
      }
      return log.preparedQuery(recordSql).execute(Tuple.of(ctx.id(), ctx.attempt(), fails ? "dead" : "ok"))
          .compose(v -> fails ? Future.failedFuture(new IllegalStateException(PLANNED)) : Future.succeededFuture());
    }, RETRIES);
    // its own thread: a full GC stops every thread anyway, but the event loops need not wait for the rest
    Thread sampler = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(sampleMs);
        } catch (InterruptedException e) {
          return;
        }
        sample();
      }
    }, "soak-sampler");
    sampler.setDaemon(true);
    sampler.start();
    ChildJvm.readyWhenDeployed(vertx, spool, spool.deployWorkers(new WorkerOptions(), handlers, 1), "soak worker");
  }

  /** One sample of this process, after a full GC: what it keeps, not what it has not collected yet. */
  private static void sample() {
    System.gc();
    JsonObject sample = new JsonObject()
        .put("heap_after_gc_mb", mb(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()))
        .put("rss_mb", mb(rssBytes()))
        .put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    System.out.println("SAMPLE " + sample.encode());
    System.out.flush();
  }

  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: reported as 0
    }
    return 0;
  }

  static double mb(long bytes) {
    return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
  }
}
