package dev.spool.spring;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.WorkerOptions;

/**
 * A bean that adjusts what the {@code spool.*} properties cannot say: a listener or clock on the builder,
 * periodic jobs with typed tasks, worker options set in code, handlers registered by hand. Every such bean
 * is called, in {@code @Order}, before the Spool is built and before its workers are deployed.
 */
public interface SpoolCustomizer {

  /**
   * Adjusts the builder after the properties were applied to it.
   *
   * @param builder the Spool's builder
   */
  default void customize(Spool.Builder builder) {}

  /**
   * Adjusts the worker's options (after the properties) and may register handlers of its own.
   *
   * @param options the worker's options
   * @param handlers the handlers of the {@code @SpoolHandler} beans, to add to
   */
  default void customizeWorkers(WorkerOptions options, JobHandlers handlers) {}
}
