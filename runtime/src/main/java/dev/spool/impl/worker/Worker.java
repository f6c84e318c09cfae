package dev.spool.impl.worker;

import dev.spool.JobHandlers;
import dev.spool.WorkerOptions;
import dev.spool.WorkerVerticle;
import dev.spool.impl.Service;
import dev.spool.impl.ServiceGroup;
import dev.spool.impl.SpoolInternals;
import dev.spool.impl.claim.ClaimLimits;
import dev.spool.impl.claim.Producer;
import dev.spool.impl.claim.QueuePoller;
import dev.spool.impl.complete.Completer;
import dev.spool.impl.complete.Handoff;
import dev.spool.impl.complete.TxCompleter;
import dev.spool.impl.execute.BlockingPools;
import dev.spool.impl.execute.Executor;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.leader.Elector;
import dev.spool.impl.maintenance.Heartbeat;
import dev.spool.impl.maintenance.DonePartitioner;
import dev.spool.impl.maintenance.IndexReclaimer;
import dev.spool.impl.maintenance.Liveness;
import dev.spool.impl.maintenance.Pruner;
import dev.spool.impl.maintenance.Rescuer;
import dev.spool.impl.maintenance.Scheduler;
import dev.spool.impl.maintenance.SchemaWatch;
import dev.spool.impl.maintenance.Vacuumer;
import dev.spool.impl.maintenance.WorkerActivity;
import dev.spool.impl.notify.JobNotifier;
import dev.spool.impl.sql.Outcomes;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.SchemaVersions;
import dev.spool.impl.stats.Stats;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker verticle: builds its services when deployed and runs them under one contract. It opens its
 * blocking pools, then starts the schema watch (a schema this release cannot work with fails the deployment
 * before anything registers), the heartbeat (registered before the first claim, so the rescuer never takes
 * this worker's jobs for orphans), the notifier, the completer, the producers, the elector and the
 * recycler, in that order, and stops them in the reverse order. When the schema leaves this release's
 * compatibility window while it runs, the producers stop claiming and the elector resigns. The leader-only services (rescuer,
 * scheduler, pruner, vacuumer) are one group the elector starts on winning and stops on losing or resigning.
 * When the process is being recycled (a limit of any of its workers tripped), its producers stop claiming.
 */
public final class Worker extends WorkerVerticle {

  private static final AtomicLong INSTANCES = new AtomicLong();

  private final SpoolInternals spool;
  private final WorkerOptions options;
  private final JobHandlers handlers;
  private final String owner;

  private SqlClient client;
  private SqlClient beats;
  /** The index reclaimer's own connection, opened when the leader rebuilds an index and closed when idle. */
  private Pool reclaims;
  /** The partitioner's own connection, likewise: a detach of a kept history's partition waits for older readers. */
  private Pool partitions;
  /**
   * The connection of the leader's rescuer and vacuumer, opened while this worker leads. Under a long transaction
   * elsewhere a vacuum pass over the grown table takes a second or more (0.8 s at 300 MB), and so does a full
   * rescue pass; on the worker's connection every claim and ack of this worker waited them out, and the pickup p99
   * crept up with the table.
   */
  private Pool leaderConnection;
  private Completer completer;
  private BlockingPools pools;
  private boolean stopping;
  private boolean outOfWindow;
  private Elector elector;
  private ServiceGroup leaderOnly;
  private final Map<String, Producer> producers = new LinkedHashMap<>();
  private final List<Service> services = new ArrayList<>();

  public Worker(SpoolInternals spool, WorkerOptions options, JobHandlers handlers) {
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one handler");
    }
    this.spool = spool;
    this.options = new WorkerOptions(options).validate();
    this.handlers = new JobHandlers().registerAll(handlers);
    this.owner = spool.nodeId() + "/" + INSTANCES.incrementAndGet();
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public boolean isLeader() {
    return elector != null && elector.isLeader();
  }

  /**
   * The leader's rebuilder of bloated job indexes, on a connection of its own (a rebuild may wait for older
   * transactions and run for seconds); off, like the vacuumer, when vacuuming is.
   */
  private Service reclaimer(Queries queries) {
    reclaims = maintenanceConnection();
    return new IndexReclaimer(vertx, reclaims, queries);
  }

  /** A pool of one connection for a leader's service whose statements may run long, closed after 30 s idle. */
  private Pool maintenanceConnection() {
    return spool.connect(PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setIdleTimeout(30)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)), workerConnectOptions())
        .using(vertx)
        .build();
  }

  /** The leader's keeper of the kept history's partitions (see DonePartitioner), on a connection of its own. */
  private Service partitioner(Queries queries) {
    partitions = maintenanceConnection();
    Duration window = Pruner.keptWindow(spool.options().getRetention());
    return new DonePartitioner(vertx, partitions, queries, DonePartitioner.Config.forWindow(window), window,
        Pruner.resultsWindow(spool.options().getRetention()));
  }

  /** The worker's connections: claims, outcomes and beats, none of which needs to wait for a WAL flush. */
  private PgConnectOptions workerConnectOptions() {
    return spool.connectOptions()
        // A worker's writes are claims and outcomes, never enqueues: if PostgreSQL crashes before
        // flushing one, the job runs again (a lost claim is claimed anew, a lost ack is rescued),
        // so waiting for the WAL flush on each of them buys nothing that at-least-once needs.
        .addProperty("synchronous_commit", "off")
        // Its statements are short and prepared once; the generic plan's cost guesses (an unknown LIMIT)
        // can reach the JIT threshold, and compiling then costs hundreds of ms per statement.
        .addProperty("jit", "off")
        // An operator's statement_timeout for the role or database (meant for application queries) would
        // cancel claims of large payloads, acks waiting for a locked row and heartbeats (see SessionTimeouts).
        .addProperty("statement_timeout", "0");
  }

  @Override
  public Future<?> start() {
    boolean anyBlocking = handlers.registrations().stream().anyMatch(JobHandlers.Registration::blocking);
    Future<BlockingPools> opened = anyBlocking ? BlockingPools.open(vertx, context, options, options.getQueues())
        : Future.succeededFuture(BlockingPools.none());
    return opened.compose(p -> {
      pools = p;
      return startServices();
    });
  }

  private Future<Void> startServices() {
    Queries queries = spool.queries();
    SessionTimeouts.sayOnce(spool.pool(), queries);
    WorkerActivity activity = new WorkerActivity(options.getQueues(), System.nanoTime());
    Stats.Recorder stats = spool.recorder(activity);
    client = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(options.getConnections())),
            workerConnectOptions())
        .using(vertx)
        .build();
    // The heartbeat and the leader's lease go on a connection of their own: behind a claim of large
    // payloads on the worker's connection (500 rows of 100 KB), a beat waited seconds, and the rescuer took
    // the live worker for dead and ran its jobs a second time.
    beats = spool.connect(PgBuilder.client().with(new PoolOptions().setMaxSize(1)), workerConnectOptions())
        .using(vertx)
        .build();
    completer = new Completer(vertx, client, queries, owner, spool.options().keepsCompletedJobs(),
        Completer.keepsResults(spool.options()), options.getAckFlushInterval(), options.getAckBatchSize(),
        options.getShutdownTimeout(), stats);
    Executor executor = new Executor(vertx, handlers, completer, (job, delayMs) -> {
      Producer producer = producers.get(job.queue());
      if (producer != null) {
        producer.wakeIn(delayMs);
      }
    }, stats, pools, options.getStuckGrace(), owner, spool.options().getMaxResultBytes())
        // on the Spool's pool, not this worker's client: a transaction needs a connection of its own, and
        // the handler's writes are the application's, committed as the database commits (synchronously)
        .transactions(new TxCompleter(spool.pool(), spool.options().getPoolSize(), queries, owner,
            spool.options().keepsCompletedJobs(), Completer.keepsResults(spool.options())));
    Outcomes lineage = new Outcomes(client, queries);
    Liveness liveness = new Liveness(options.getWorkerTimeout(), options.getHeartbeatInterval())
        .onRegained(() -> producers.values().forEach(Producer::regained));
    for (String queue : options.getQueues()) {
      Producer producer = new Producer(vertx, client, queries, queue, handlers.taskNames(), owner,
          options.forQueue(queue), executor, completer, stats);
      ClaimLimits limits = ClaimLimits.of(options, queue, handlers.taskNames());
      if (limits != null) {
        producer.limitBy(limits, queries);
      }
      producer.readsHeadOn(spool.pool()); // a keyed queue's claim reads from its head all the same
      producer.lineage(lineage);
      producer.gatedBy(liveness);
      producers.put(queue, producer);
    }
    takeReleasedSteps(liveness, lineage);
    leaderConnection = maintenanceConnection();
    List<Service> maintenance = new ArrayList<>(List.of(
        new Rescuer(vertx, leaderConnection, queries, options.getRescueInterval(), options.getWorkerTimeout(),
            options.getHeartbeatInterval(), stats),
        new Scheduler(vertx, spool.pool(), queries, spool.clock(), spool.periodicJobs(),
            spool.options().getMaxPayloadBytes(), new Scheduler.Options()),
        new Pruner(vertx, client, queries, spool.options().getRetention()),
        new Vacuumer(vertx, leaderConnection, queries, spool.options().getVacuum(), spool.stats()::claimed),
        partitioner(queries)));
    if (spool.options().getVacuum().isEnabled()) {
      maintenance.add(reclaimer(queries));
    }
    leaderOnly = new ServiceGroup(maintenance);
    elector = new Elector(vertx, beats, queries, Elector.MAINTENANCE, owner, options.getHeartbeatInterval(),
        options.getLeaderTtl(), leaderOnly::toggle);
    services.add(new SchemaWatch(vertx, client, new SchemaVersions(queries), options.getSchemaCheckInterval(),
        verdict -> context.runOnContext(x -> leaveSchema())));
    services.add(new Heartbeat(vertx, beats, queries, owner, options.getQueues(), handlers.taskNames(),
        ClaimLimits.describe(options, handlers.taskNames()), activity,
        options.getHeartbeatInterval(), options.getLease(),
        () -> producers.values().stream().anyMatch(Producer::leftStuckJobs))
        .progressFrom(sink -> producers.values().forEach(p -> p.takeProgress(sink)), queries, client)
        .occupancyFrom(this::occupancy)
        .livenessTo(liveness)
        .whenFailing(() -> producers.values().forEach(Producer::handBackBuffered)));
    services.add(new JobNotifier(vertx, context, spool.connectOptions(), spool.hosts(), queries.channel(), this::notified,
        queries.cancelChannel(), this::cancelRequested)
        .awaits(context, queries.awaitChannel(), id -> awaitRequested(completer, id))
        .rescues(context, queries.rescueChannel(), this::rescued));
    services.add(completer);
    if (producers.size() > 1) {
      services.add(new QueuePoller(vertx, client, spool.pool(), queries, producers,
          handlers.taskNames().toArray(String[]::new), options.getPollInterval()));
    }
    services.add(new ServiceGroup(new ArrayList<>(producers.values())));
    services.add(elector);
    services.add(new Recycler(vertx, options, spool.stats(), spool.recycling()));
    Future<Void> started = Future.succeededFuture();
    for (Service service : services) {
      started = started.compose(v -> service.start());
    }
    return started.onSuccess(v -> spool.recycling().future().onSuccess(reason -> context.runOnContext(x -> recycle())));
  }

  /**
   * The acks that release workflow steps claim those of this worker's plain queues for it, as many as they
   * acked (each ack frees a slot), unless it is stopping or unsure it is still registered.
   */
  private void takeReleasedSteps(Liveness liveness, Outcomes lineage) {
    String[] plain = producers.values().stream().filter(Producer::claimsPlainly).map(Producer::queue)
        .toArray(String[]::new);
    if (plain.length == 0) {
      return;
    }
    completer.handOff(new Handoff(plain, handlers.taskNames().toArray(String[]::new), options.getLease().toMillis(),
        acked -> stopping || outOfWindow || !liveness.isAlive(System.nanoTime()) ? 0 : acked,
        row -> {
          ClaimedJob job = ClaimedJob.fromClaimRow(vertx, row, lineage);
          Producer producer = producers.get(job.queue());
          if (producer == null) {
            completer.release(job); // not one of ours: cannot happen, as only our queues are named
          } else {
            producer.adopt(job);
          }
        }));
  }

  /**
   * The schema has moved beyond this release's window: claim nothing more, hand back what waits, let what
   * runs finish, and leave the leader's services to a worker of a compatible release.
   */
  private void leaveSchema() {
    if (stopping || outOfWindow) {
      return;
    }
    outOfWindow = true;
    producers.values().forEach(Producer::pause);
    elector.stop().eventually(leaderOnly::stop);
  }

  /** A recycling limit tripped: claim nothing more, hand back what waits, let what runs finish. */
  private void recycle() {
    if (!stopping) {
      producers.values().forEach(Producer::pause);
    }
  }

  /** What the producers hold now, for the heartbeat: running handlers and prefetched jobs not started. */
  private Heartbeat.Occupancy occupancy() {
    int active = 0;
    int reserved = 0;
    List<Long> ids = new ArrayList<>();
    List<Long> held = new ArrayList<>();
    for (Producer producer : producers.values()) {
      active += producer.runningCount();
      reserved += producer.buffered();
      producer.runningIds(ids, Heartbeat.MAX_RUNNING_IDS);
      producer.heldIds(held);
    }
    completer.heldIds(held);
    return new Heartbeat.Occupancy(active, reserved, ids, held);
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

  private void rescued(String queue, int count) {
    Producer producer = producers.get(queue);
    if (producer != null) {
      producer.rescued(count);
    }
  }

  private void awaitRequested(Completer completer, long jobId) {
    for (Producer producer : producers.values()) {
      if (producer.flag(jobId)) {
        return;
      }
    }
    completer.flag(jobId);
  }

  private void cancelRequested(long jobId) {
    for (Producer producer : producers.values()) {
      if (producer.cancel(jobId)) {
        return;
      }
    }
  }

  /**
   * Stops the services in the reverse order: the elector resigns (stopping the leader's services), the
   * producers stop claiming, hand prefetched jobs back and wait for running handlers, the completer writes
   * every outcome, then the notifier and the heartbeat (which deregisters) stop.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> stopped = Future.succeededFuture();
    for (int i = services.size() - 1; i >= 0; i--) {
      Service service = services.get(i);
      stopped = stopped.eventually(service::stop);
      if (service == elector) {
        stopped = stopped.eventually(leaderOnly::stop); // resigning stops them: wait until they have stopped
      }
    }
    return stopped.eventually(() -> client == null ? Future.succeededFuture() : client.close())
        .eventually(() -> beats == null ? Future.succeededFuture() : beats.close())
        .eventually(() -> reclaims == null ? Future.succeededFuture() : reclaims.close())
        .eventually(() -> partitions == null ? Future.succeededFuture() : partitions.close())
        .eventually(() -> leaderConnection == null ? Future.succeededFuture() : leaderConnection.close())
        .eventually(() -> pools == null ? Future.succeededFuture() : pools.close());
  }
}
