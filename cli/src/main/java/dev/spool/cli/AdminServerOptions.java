package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.config.SpoolConfig;
import dev.spool.metrics.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.BindException;
import picocli.CommandLine.Option;

/**
 * {@code --admin-port} and friends of the {@code worker} and {@code demo} commands, over the {@code admin}
 * and {@code metrics} sections of the configuration: with a port, the command's Vert.x reports its own
 * metrics (JVM, HTTP, pools) and Spool's to one Prometheus registry, and the admin API (with
 * {@code /metrics}) listens on that port.
 */
final class AdminServerOptions {

  @Option(names = "--admin-port", description = "serve the dashboard, the admin HTTP API and /metrics on this port (admin.port; off by default)")
  Integer port;

  @Option(names = "--admin-host",
      description = "address of the admin API (admin.host; default: " + AdminOptions.DEFAULT_HOST + "); any other than loopback needs a token")
  String host;

  @Option(names = "--admin-token", description = "bearer token of the admin API (admin.token, $SPOOL_ADMIN_TOKEN)")
  String token;

  private AdminOptions options;
  private boolean metricsOn;
  private boolean jvmMetrics;
  private MicrometerMetrics metrics;
  private AdminVerticle verticle;

  /** Adds the flags given to the configuration's, where they override the file and the environment. */
  void addFlags(ConfigOption config) {
    config.flag("admin.port", port, "--admin-port").flag("admin.host", host, "--admin-host")
        .flag("admin.token", token, "--admin-token");
  }

  /** Takes the admin settings of the effective configuration; throws (a usage error) when they cannot work. */
  void configure(SpoolConfig config) {
    if (!config.adminEnabled()) {
      return;
    }
    try {
      options = new AdminOptions(config.admin());
    } catch (IllegalArgumentException e) { // allowedHosts: the one setter whose checks the binder does not mirror
      String problem = String.valueOf(e.getMessage());
      boolean hosts = problem.startsWith("allowedHosts ");
      throw config.error(hosts ? "admin.allowedHosts" : "admin", hosts ? problem.substring(13) : problem, e);
    }
    try {
      options.validate();
    } catch (IllegalArgumentException e) { // a host off loopback without a token: point at the host
      throw config.error("admin.host", e.getMessage(), e);
    }
    // the keys view shows the limits and weights the workers claim with; the database does not hold them
    dev.spool.WorkerOptions workers = config.workerOptions();
    for (String queue : workers.toJson().getJsonObject("queueOptions", new io.vertx.core.json.JsonObject()).fieldNames()) {
      options.setQueueOptions(queue, workers.getQueueOptions(queue));
    }
    metricsOn = config.metrics().getBoolean("enabled", true);
    jvmMetrics = config.metrics().getBoolean("jvm", true);
  }

  boolean enabled() {
    return options != null;
  }

  /** The command's Vert.x: with Micrometer metrics in a Prometheus registry when the admin API serves them. */
  Vertx newVertx() {
    if (!enabled() || !metricsOn) {
      return Vertx.vertx();
    }
    PrometheusMeterRegistry registry = MicrometerMetrics.prometheusRegistry();
    metrics = new MicrometerMetrics(registry);
    return jvmMetrics ? MicrometerMetrics.vertxWithMetrics(registry) : Vertx.vertx();
  }

  /** Adds the metrics listener to a Spool being built (when the admin API serves metrics). */
  Spool.Builder listen(Spool.Builder builder) {
    return metrics == null ? builder : builder.listener(metrics);
  }

  /** Deploys the admin API; returns the line to print, or null when it is off. */
  String start(Vertx vertx, Spool spool) throws Exception {
    if (!enabled()) {
      return null;
    }
    AdminVerticle admin = metrics == null ? new AdminVerticle(spool, options) : new AdminVerticle(spool, options, metrics);
    try {
      Await.result(vertx.deployVerticle(admin));
    } catch (BindException e) { // "Address already in use" alone does not say whose address
      BindException named = new BindException("the admin API cannot listen on " + options.getHost() + ":"
          + options.getPort() + " (admin.port): " + e.getMessage());
      named.initCause(e);
      throw named;
    }
    verticle = admin;
    String shownHost = options.getHost().contains(":") ? "[" + options.getHost() + "]" : options.getHost();
    return "admin API on http://" + shownHost + ":" + admin.actualPort()
        + " (/health, /ready, " + (metrics != null ? "/metrics, " : "") + "/api/...)"
        + (options.getToken() != null ? ", bearer token required" : "");
  }

  /** Tells the admin API's {@code /ready} that the command is stopping (nothing when the API is off). */
  void stopping() {
    if (verticle != null) {
      verticle.stopping();
    }
  }
}
