package dev.spool.spring.impl;

import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.spring.SpoolAdminLifecycle;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The starter's {@link SpoolAdminLifecycle}: the admin API and dashboard as {@code spool worker} serves them.
 * Metrics are the application's (its MeterRegistry), not here.
 */
public final class SpoolAdminServer implements SpoolAdminLifecycle {

  private static final Logger LOG = Logger.getLogger(SpoolAdminServer.class.getName());

  private final Spool spool;
  private final AdminOptions options;
  private final boolean enabled;
  private volatile String deployment;
  private volatile int port;

  /**
   * @param config  the {@code admin} section ({@code SpoolConfig.admin()})
   * @param enabled whether the configuration turns the admin API on ({@code SpoolConfig.adminEnabled()});
   *                when not, this server never starts
   */
  public SpoolAdminServer(Spool spool, JsonObject config, boolean enabled) {
    this.spool = spool;
    this.enabled = enabled;
    // refused at startup, not when the port opens
    this.options = enabled ? new AdminOptions(config).validate() : null;
  }

  @Override
  public void start() {
    if (!enabled) {
      return;
    }
    AdminVerticle verticle = new AdminVerticle(spool, options);
    deployment = Await.result(spool.vertx().deployVerticle(verticle), Duration.ofSeconds(30), "starting Spool's admin API");
    port = verticle.actualPort();
    LOG.info("Spool: admin API and dashboard on " + options.getHost() + ":" + port);
  }

  @Override
  public void stop() {
    String id = deployment;
    deployment = null;
    if (id != null) {
      Await.result(spool.vertx().undeploy(id), Duration.ofSeconds(30), "stopping Spool's admin API");
    }
  }

  @Override
  public boolean isRunning() {
    return deployment != null;
  }

  @Override
  public int port() {
    return port;
  }
}
