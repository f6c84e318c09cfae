package dev.spool;

import io.vertx.core.VerticleBase;

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
 * outcome, and deregisters. Stuck runs whose job is held ({@link HandlerOptions.OnStuck#HOLD}) are neither
 * waited for nor given back: no outcome is written for them and the worker stays registered, so their jobs
 * run again once this process is gone.
 *
 * <p>Handlers of blocking code run on the verticle's blocking pool or on virtual threads
 * ({@link WorkerOptions#setBlockingPoolSize}, {@link WorkerOptions#setVirtualThreads}); claims, acks and
 * the limits' timers stay on its event loop.
 */
public abstract class WorkerVerticle extends VerticleBase {

  /** Worker verticles come from {@link Spool#worker} and {@link Spool#deployWorkers}. */
  protected WorkerVerticle() {}

  /**
   * The worker id, written as lease owner on the jobs this instance claims.
   *
   * @return the worker id
   */
  public abstract String owner();

  /**
   * True while this instance is the elected leader running maintenance.
   *
   * @return true while leader
   */
  public abstract boolean isLeader();
}
