package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.metrics.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import picocli.CommandLine.Option;

/**
 * {@code --admin-port} and friends of the {@code worker} and {@code demo} commands: with a port, the
 * command's Vert.x reports its own metrics (JVM, HTTP, pools) and Spool's to one Prometheus registry, and
 * the admin API (with {@code /metrics}) listens on that port.
 */
final class AdminServerOptions {

  @Option(names = "--admin-port", description = "serve the dashboard, the admin HTTP API and /metrics on this port (off by default)")
  Integer port;

  @Option(names = "--admin-host", defaultValue = AdminOptions.DEFAULT_HOST,
      description = "address of the admin API (default: ${DEFAULT-VALUE}); any other than loopback needs a token")
  String host;

  @Option(names = "--admin-token", description = "bearer token of the admin API (default: $SPOOL_ADMIN_TOKEN)")
  String token;

  private MicrometerMetrics metrics;
  private AdminOptions options;

  boolean enabled() {
    return port != null;
  }

  /** Checks the options; throws IllegalArgumentException (a usage error) when they cannot work. */
  void validate() {
    if (!enabled()) {
      return;
    }
    String t = token != null ? token : System.getenv("SPOOL_ADMIN_TOKEN");
    options = new AdminOptions().setHost(host).setPort(port).setToken(t).validate();
  }

  /** The command's Vert.x: with Micrometer metrics in a Prometheus registry when the admin API is on. */
  Vertx newVertx() {
    if (!enabled()) {
      return Vertx.vertx();
    }
    PrometheusMeterRegistry registry = MicrometerMetrics.prometheusRegistry();
    metrics = new MicrometerMetrics(registry);
    return MicrometerMetrics.vertxWithMetrics(registry);
  }

  /** Adds the metrics listener to a Spool being built (when the admin API is on). */
  Spool.Builder listen(Spool.Builder builder) {
    return metrics == null ? builder : builder.listener(metrics);
  }

  /** Deploys the admin API; returns the line to print, or null when it is off. */
  String start(Vertx vertx, Spool spool) throws Exception {
    if (!enabled()) {
      return null;
    }
    AdminVerticle admin = new AdminVerticle(spool, options, metrics);
    Await.result(vertx.deployVerticle(admin));
    return "admin API on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.actualPort()
        + " (/health, /ready, /metrics, /api/...)" + (options.getToken() != null ? ", bearer token required" : "");
  }
}
