package dev.spool.spring;

import org.springframework.context.SmartLifecycle;

/**
 * The workers of this application, tied to the Spring context: deployed once every bean (handler beans and the
 * DataSource included) exists, undeployed when the context stops, after the web server has stopped taking
 * requests. Stopping waits for running handlers up to {@code spool.worker.shutdown-timeout} and hands prefetched
 * jobs back to the queue. The starter's bean is of this type; a bean of it in the application replaces it.
 */
public interface SpoolWorkerLifecycle extends SmartLifecycle {

  /**
   * The phase the workers start and stop in: before the web server starts (its phase is
   * {@code DEFAULT_PHASE - 2048}) and so after it stops, so requests in flight still enqueue.
   */
  int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  /**
   * {@inheritDoc}
   *
   * @return {@link #PHASE}
   */
  @Override
  default int getPhase() {
    return PHASE;
  }
}
