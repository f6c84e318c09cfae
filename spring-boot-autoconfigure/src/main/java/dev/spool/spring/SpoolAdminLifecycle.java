package dev.spool.spring;

import org.springframework.context.SmartLifecycle;

/**
 * Spool's admin API and dashboard on their own port ({@code spool.admin.port}), started and stopped with the
 * context, when {@code spool.admin.port} or {@code spool.admin.enabled} turns them on. The starter's bean is of
 * this type; a bean of it in the application replaces it.
 */
public interface SpoolAdminLifecycle extends SmartLifecycle {

  /**
   * The port the admin API listens on: the one chosen when {@code spool.admin.port} is 0.
   *
   * @return the port, or 0 when the admin API does not run
   */
  int port();
}
