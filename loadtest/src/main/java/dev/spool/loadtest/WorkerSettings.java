package dev.spool.loadtest;

import dev.spool.WorkerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The worker settings a run uses, as command-line options shared by every command. Each default is the
 * runtime's own ({@link WorkerOptions}{@code .DEFAULT_*}), so a run with no options measures what a user
 * gets out of the box; only the number of verticles has a default of the load tester's.
 */
public final class WorkerSettings {

  /** One verticle per core of the 2-core machines the targets are set on. */
  public static final int DEFAULT_WORKERS = 2;

  @Option(names = "--workers", description = "worker verticles (default: ${DEFAULT-VALUE})")
  int workers = DEFAULT_WORKERS;

  @Option(names = "--batch", description = "most jobs one claim takes (default: ${DEFAULT-VALUE})")
  int batch = WorkerOptions.DEFAULT_BATCH_SIZE;

  @Option(names = "--prefetch", description = "jobs claimed ahead of free handler slots (default: ${DEFAULT-VALUE})")
  int prefetch = WorkerOptions.DEFAULT_PREFETCH;

  @Option(names = "--concurrency", description = "handlers running at once per verticle (default: ${DEFAULT-VALUE})")
  int concurrency = WorkerOptions.DEFAULT_CONCURRENCY;

  @Option(names = "--ack-flush-ms", description = "longest wait before outcomes are written (default: ${DEFAULT-VALUE})")
  long ackFlushMs = WorkerOptions.DEFAULT_ACK_FLUSH_INTERVAL.toMillis();

  @Option(names = "--ack-batch", description = "outcomes that trigger a write at once (default: ${DEFAULT-VALUE})")
  int ackBatch = WorkerOptions.DEFAULT_ACK_BATCH_SIZE;

  @Option(names = "--connections", description = "database connections per verticle (default: ${DEFAULT-VALUE})")
  int connections = WorkerOptions.DEFAULT_CONNECTIONS;

  @Option(names = "--blocking-pool", description = "threads of the pool blocking handlers run on, shared by the verticles (default: ${DEFAULT-VALUE})")
  int blockingPool = WorkerOptions.DEFAULT_BLOCKING_POOL_SIZE;

  @Option(names = "--virtual-threads", description = "run blocking handlers on virtual threads (Java 21 or newer)")
  boolean virtualThreads;

  /** The options each verticle gets; WorkerOptions validates them, so bad input fails before any work. */
  WorkerOptions toWorkerOptions() {
    return new WorkerOptions()
        .setBatchSize(batch)
        .setPrefetch(prefetch)
        .setConcurrency(concurrency)
        .setAckFlushInterval(Duration.ofMillis(ackFlushMs))
        .setAckBatchSize(ackBatch)
        .setConnections(connections)
        .setBlockingPoolSize(blockingPool)
        .setVirtualThreads(virtualThreads);
  }

  void validate() {
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    toWorkerOptions();
  }

  /** The settings as fields of a result line. */
  JsonObject toJson() {
    return new JsonObject()
        .put("workers", workers)
        .put("batch", batch)
        .put("prefetch", prefetch)
        .put("concurrency", concurrency)
        .put("ack_flush_ms", ackFlushMs)
        .put("ack_batch", ackBatch)
        .put("connections", connections)
        .put("blocking_pool", blockingPool)
        .put("virtual_threads", virtualThreads);
  }

  String describe() {
    return String.format("%d workers, batch %d, prefetch %d, concurrency %d, ack flush %d ms / %d, %d connection(s)%s",
        workers, batch, prefetch, concurrency, ackFlushMs, ackBatch, connections,
        virtualThreads ? ", blocking handlers on virtual threads" : ", blocking pool " + blockingPool);
  }
}
