package dev.spool;

import dev.spool.impl.claim.Producer;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.notify.JobNotifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claims and runs jobs on one event loop. Deploy as many instances as there are cores to spare:
 *
 * <pre>{@code
 * vertx.deployVerticle(() -> spool.worker(new WorkerOptions(), handlers), new DeploymentOptions().setInstances(2));
 * }</pre>
 *
 * Each instance has its own pipelined connection for claims and acks, its own LISTEN connection, and per
 * queue a claim loop with a prefetch buffer. Undeploying it stops claiming, hands prefetched jobs back,
 * waits up to the shutdown timeout for running handlers, and writes every outcome before it returns.
 */
public class WorkerVerticle extends VerticleBase {

  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Spool spool;
  private final WorkerOptions options;
  private final JobHandlers handlers;
  private final String owner;

  private SqlClient client;
  private Completer completer;
  private JobNotifier notifier;
  private final Map<String, Producer> producers = new LinkedHashMap<>();

  public WorkerVerticle(Spool spool, WorkerOptions options, JobHandlers handlers) {
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one handler");
    }
    this.spool = spool;
    this.options = new WorkerOptions(options);
    this.handlers = new JobHandlers().registerAll(handlers);
    this.owner = spool.nodeId() + "/" + INSTANCES.incrementAndGet();
  }

  /** The lease owner this instance writes on the jobs it claims. */
  public String owner() {
    return owner;
  }

  @Override
  public Future<?> start() {
    client = PgBuilder.client()
        .with(new PoolOptions().setMaxSize(options.getConnections()))
        .connectingTo(spool.connectOptions())
        .using(vertx)
        .build();
    completer = new Completer(vertx, client, spool.queries(), owner, spool.options().isKeepCompleted(),
        options.getAckFlushInterval(), options.getAckBatchSize());
    Executor executor = new Executor(vertx, handlers, completer, (job, delayMs) -> {
      Producer producer = producers.get(job.queue());
      if (producer != null) {
        producer.wakeIn(delayMs);
      }
    });
    for (String queue : options.getQueues()) {
      producers.put(queue, new Producer(vertx, client, spool.queries(), queue, handlers.taskNames(), owner, options,
          executor, completer));
    }
    notifier = new JobNotifier(vertx, context, spool.connectOptions(), spool.queries().channel(), this::notified);
    return notifier.start().onSuccess(v -> producers.values().forEach(Producer::start));
  }

  private void notified(String queue) {
    if (queue == null) {
      producers.values().forEach(Producer::wake);
      return;
    }
    Producer producer = producers.get(queue);
    if (producer != null) {
      producer.wake();
    }
  }

  @Override
  public Future<?> stop() {
    long timeoutMs = options.getShutdownTimeout().toMillis();
    List<Future<Void>> stopped = new ArrayList<>();
    producers.values().forEach(p -> stopped.add(p.stop(timeoutMs)));
    return Future.join(stopped)
        .eventually(() -> completer.drain(timeoutMs))
        .eventually(() -> notifier.close())
        .eventually(() -> client.close());
  }
}
