package dev.spool.spring.impl;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolWorkerLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The starter's {@link SpoolWorkerLifecycle}: deployed when the context has started (every bean, handler beans
 * and the DataSource included, exists, and Spool's schema was migrated when the Spool bean was made),
 * undeployed when it stops, as the runtime's worker does.
 */
public final class SpoolWorkers implements SpoolWorkerLifecycle {

  private static final Logger LOG = Logger.getLogger(SpoolWorkers.class.getName());

  private final Spool spool;
  private final WorkerOptions options;
  private final int instances;
  private final Function<WorkerOptions, JobHandlers> handlers;
  private final List<SpoolCustomizer> customizers;
  private volatile String deployment;
  private volatile boolean running;

  /**
   * @param handlers  finds the handlers when the workers start (every bean exists by then), adding the
   *                  queues they name to the options it is given
   */
  public SpoolWorkers(Spool spool, WorkerOptions options, int instances, Function<WorkerOptions, JobHandlers> handlers,
      List<SpoolCustomizer> customizers) {
    this.spool = spool;
    this.options = new WorkerOptions(options);
    this.instances = instances;
    this.handlers = handlers;
    this.customizers = customizers;
  }

  @Override
  public void start() {
    running = true;
    WorkerOptions worker = new WorkerOptions(options);
    JobHandlers registered = handlers.apply(worker);
    customizers.forEach(c -> c.customizeWorkers(worker, registered));
    if (registered.isEmpty()) {
      LOG.info("Spool: no @SpoolHandler beans, so no workers on this node (it enqueues only)");
      return;
    }
    long start = System.nanoTime();
    deployment = Await.result(spool.deployWorkers(worker, registered, instances), Duration.ofMinutes(1), "deploying Spool's workers");
    LOG.info("Spool: " + instances + " worker(s) for tasks " + registered.taskNames() + " on queues " + worker.getQueues()
        + ", started in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }

  @Override
  public void stop() {
    running = false;
    String id = deployment;
    if (id == null) {
      return;
    }
    // synchronous, so Spring's per-phase timeout does not cut the handlers' shutdownTimeout short
    Duration wait = options.getShutdownTimeout().plusSeconds(10);
    Await.result(spool.vertx().undeploy(id), wait, "stopping Spool's workers");
    deployment = null;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
