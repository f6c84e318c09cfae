package dev.spool;

import dev.spool.impl.claim.ClaimLimits;
import dev.spool.impl.claim.Producer;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.leader.Elector;
import dev.spool.impl.maintenance.Heartbeat;
import dev.spool.impl.maintenance.Pruner;
import dev.spool.impl.maintenance.Rescuer;
import dev.spool.impl.maintenance.Scheduler;
import dev.spool.impl.maintenance.Vacuumer;
import dev.spool.impl.maintenance.WorkerActivity;
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
 * Each instance registers as a worker and heartbeats, has its own pipelined connection for claims and
 * acks and its own LISTEN connection, and per queue a claim loop with a prefetch buffer. Instances also
 * stand for election; the leader runs maintenance (the rescuer, the periodic-job scheduler, the pruner, the vacuumer),
 * so any live worker can take over when the leader dies.
 *
 * <p>Undeploying stops claiming, hands prefetched jobs straight back, waits up to the shutdown timeout
 * for running handlers (those still running then are given back, their attempt counted), writes every
 * outcome, and deregisters.
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
  private Heartbeat heartbeat;
  private WorkerActivity activity;
  private Vacuumer vacuumer;
  private Elector elector;
  private Rescuer rescuer;
  private Scheduler scheduler;
  private Pruner pruner;
  private final Map<String, Producer> producers = new LinkedHashMap<>();

  public WorkerVerticle(Spool spool, WorkerOptions options, JobHandlers handlers) {
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one handler");
    }
    this.spool = spool;
    this.options = new WorkerOptions(options).validate();
    this.handlers = new JobHandlers().registerAll(handlers);
    this.owner = spool.nodeId() + "/" + INSTANCES.incrementAndGet();
  }

  /** The worker id, written as lease owner on the jobs this instance claims. */
  public String owner() {
    return owner;
  }

  /** True while this instance is the elected leader running maintenance. */
  public boolean isLeader() {
    return elector != null && elector.isLeader();
  }

  @Override
  public Future<?> start() {
    activity = new WorkerActivity(options.getQueues(), System.nanoTime());
    SpoolStats.Recorder stats = spool.recorder(activity);
    client = PgBuilder.client()
        .with(new PoolOptions().setMaxSize(options.getConnections()))
        .connectingTo(spool.connectOptions()
            // A worker's writes are claims and outcomes, never enqueues: if PostgreSQL crashes before
            // flushing one, the job runs again (a lost claim is claimed anew, a lost ack is rescued),
            // so waiting for the WAL flush on each of them buys nothing that at-least-once needs.
            .addProperty("synchronous_commit", "off"))
        .using(vertx)
        .build();
    completer = new Completer(vertx, client, spool.queries(), owner, spool.options().keepsCompletedJobs(),
        options.getAckFlushInterval(), options.getAckBatchSize(), stats);
    Executor executor = new Executor(vertx, handlers, completer, (job, delayMs) -> {
      Producer producer = producers.get(job.queue());
      if (producer != null) {
        producer.wakeIn(delayMs);
      }
    }, stats);
    for (String queue : options.getQueues()) {
      Producer producer = new Producer(vertx, client, spool.queries(), queue, handlers.taskNames(), owner,
          options.forQueue(queue), executor, completer, stats);
      ClaimLimits limits = ClaimLimits.of(options, queue, handlers.taskNames());
      if (limits != null) {
        producer.limitBy(limits, spool.queries());
      }
      producers.put(queue, producer);
    }
    heartbeat = new Heartbeat(vertx, client, spool.queries(), owner, options.getQueues(), activity, options.getHeartbeatInterval(),
        options.getLease());
    rescuer = new Rescuer(vertx, client, spool.queries(), options.getRescueInterval(), options.getWorkerTimeout(),
        options.getHeartbeatInterval(), stats);
    scheduler = new Scheduler(vertx, spool.pool(), spool.queries(), spool.clock(), spool.periodicJobs(),
        spool.options().getMaxPayloadBytes(), new Scheduler.Options());
    pruner = new Pruner(vertx, client, spool.queries(), spool.options().getRetention());
    vacuumer = new Vacuumer(vertx, client, spool.queries(), spool.options().getVacuum(), spool.stats()::claimed);
    elector = new Elector(vertx, client, spool.queries(), Elector.MAINTENANCE, owner, options.getHeartbeatInterval(),
        options.getLeaderTtl(), leader -> {
          if (leader) {
            rescuer.start();
            scheduler.start();
            pruner.start();
            vacuumer.start();
          } else {
            rescuer.stop();
            scheduler.stop();
            pruner.stop();
            vacuumer.stop();
          }
        });
    notifier = new JobNotifier(vertx, context, spool.connectOptions(), spool.queries().channel(), this::notified,
        spool.queries().cancelChannel(), this::cancelRequested);
    // Registered before the first claim, so the rescuer never mistakes this worker's jobs for orphans.
    return heartbeat.start()
        .compose(v -> notifier.start())
        .onSuccess(v -> {
          producers.values().forEach(Producer::start);
          elector.start();
        });
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

  private void cancelRequested(long jobId) {
    for (Producer producer : producers.values()) {
      if (producer.cancel(jobId)) {
        return;
      }
    }
  }

  @Override
  public Future<?> stop() {
    long timeoutMs = options.getShutdownTimeout().toMillis();
    List<Future<Void>> stopped = new ArrayList<>();
    producers.values().forEach(p -> stopped.add(p.stop(timeoutMs)));
    return Future.join(stopped)
        .eventually(() -> completer.drain(timeoutMs))
        .eventually(() -> elector.stop())
        .eventually(() -> scheduler.stop())
        .eventually(() -> heartbeat.stop())
        .eventually(() -> notifier.close())
        .eventually(() -> client.close());
  }
}
