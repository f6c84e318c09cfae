package dev.spool.spi;

import dev.spool.JobHandlers;

/**
 * Adds handlers to the fat jar's {@code worker} command without writing a main: put a class
 * implementing this on the class path and name it in
 * {@code META-INF/services/dev.spool.spi.JobHandlerProvider}; the command finds it with
 * {@link java.util.ServiceLoader} and registers what it adds next to the built-in tasks.
 */
public interface JobHandlerProvider {

  /**
   * Registers this provider's handlers.
   *
   * @param handlers where to register them
   */
  void register(JobHandlers handlers);
}
