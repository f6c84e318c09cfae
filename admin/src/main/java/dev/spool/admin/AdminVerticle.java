package dev.spool.admin;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.admin.impl.AdminRoutes;
import dev.spool.metrics.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API of one Spool, as a verticle: deploy one instance.
 *
 * <pre>{@code
 * MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
 * Spool spool = Spool.builder(vertx).connectingTo(uri).listener(metrics).build();
 * vertx.deployVerticle(new AdminVerticle(spool, new AdminOptions().setPort(7317), metrics));
 * }</pre>
 *
 * <p>Routes (JSON unless said otherwise):
 * <ul>
 *   <li>{@code GET /}: the dashboard, a page whose assets ({@code /assets/...}) are in the jar; it reads the
 *       routes below (asking for the token when they need one). Off with {@link AdminOptions#setDashboard}.
 *   <li>{@code GET /api/dashboard}: per queue due / scheduled / running / dead counts (capped at
 *       {@link AdminOptions#getDashboardCountLimit}), live workers' throughput and pickup lag; the newest id.
 *   <li>{@code GET /health}: liveness, always 200 while the process serves; needs no token.
 *   <li>{@code GET /ready}: 200, or 503 with the reasons (this node being recycled or {@link #stopping},
 *       database down, no leader, failure rate or oldest due job over the {@link AdminOptions} thresholds,
 *       and unserved work as configured there); {@code warnings} lists what is wrong but does not fail it.
 *   <li>{@code GET /metrics}: Prometheus text (with metrics; else 404).
 *   <li>{@code GET /api/stats}: jobs per queue and state, totals, this node's counters and rates, its stuck
 *       runs (job id, how long running and past the limit) and whether it is being recycled.
 *   <li>{@code GET /api/jobs?state=&queue=&task=&limit=&before=&depth=} (depth: search only that many ids
 *       below {@code before}, so a rare filter costs a bounded walk), {@code GET /api/jobs/{id}} (with its history
 *       when history is on), {@code DELETE /api/jobs/{id}} (cancel), {@code POST /api/jobs/{id}/retry}.
 *   <li>{@code GET /api/dead?queue=&task=&limit=&before=}, {@code POST /api/dead/retry?queue=&task=},
 *       {@code DELETE /api/dead?queue=&task=&all=} (purge; with no filter only when {@code all=true}).
 *   <li>{@code GET /api/queues}, {@code POST /api/queues/{q}/pause}, {@code POST /api/queues/{q}/resume}.
 * </ul>
 * Bound to loopback, requests with a {@code Host} that is not a loopback name are refused (DNS rebinding),
 * and so are state changes with another site's {@code Origin} (cross-site forms): 403. Bad input answers 400, an unknown id 404, a state that forbids the action 409, always with
 * {@code {"error": ..., "status": ...}}.
 */
public class AdminVerticle extends VerticleBase {

  private static final long SAMPLE_INTERVAL_MS = 1000;
  private static final long SHUTDOWN_GRACE_MS = 2000;

  private final Spool spool;
  private final AdminOptions options;
  private final MicrometerMetrics metrics;
  private JobAdmin admin;
  private HttpServer server;
  private AdminRoutes routes;
  private volatile boolean stopping;
  private AutoCloseable queueGauges;
  private long sampler = -1;

  /**
   * The API without {@code /metrics}.
   *
   * @param spool the Spool to serve
   * @param options where to listen, who may call, and when {@code /ready} says no
   */
  public AdminVerticle(Spool spool, AdminOptions options) {
    this(spool, options, null);
  }

  /**
   * @param metrics the listener given to {@code spool}'s builder; {@code /metrics} scrapes its registry
   *     (a {@link PrometheusMeterRegistry}, or a composite holding one), and this verticle keeps its queue
   *     gauges fresh. Null for no {@code /metrics}.
   * @param spool the Spool to serve
   * @param options where to listen, who may call, and when {@code /ready} says no
   * @throws IllegalArgumentException when the options are invalid (off loopback without a token)
   */
  public AdminVerticle(Spool spool, AdminOptions options, MicrometerMetrics metrics) {
    this.spool = spool;
    this.options = new AdminOptions(options).validate();
    this.metrics = metrics;
    if (metrics != null && prometheus(metrics.registry()) == null) {
      throw new IllegalArgumentException("/metrics needs a PrometheusMeterRegistry, got " + metrics.registry());
    }
  }

  @Override
  public Future<?> start() {
    admin = spool.admin();
    routes = new AdminRoutes(spool, admin, options, metrics == null ? null : prometheus(metrics.registry()));
    if (stopping) {
      routes.stopping();
    }
    sampler = vertx.setPeriodic(SAMPLE_INTERVAL_MS, t -> routes.sample());
    if (metrics != null) {
      queueGauges = metrics.watchQueues(vertx, admin, options.getQueueRefresh());
    }
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort()))
        .requestHandler(routes.router(vertx))
        .invalidRequestHandler(AdminRoutes::invalidRequest)
        .listen()
        .onSuccess(s -> server = s);
  }

  /**
   * Tells {@code /ready} that this node is stopping: from now on it answers 503 ("this node is stopping"),
   * while the API keeps serving. A host that stops gracefully calls it, undeploys its workers (they finish
   * what runs), and undeploys this verticle last, so probes are answered until the process exits.
   */
  public void stopping() {
    stopping = true;
    AdminRoutes started = routes;
    if (started != null) {
      started.stopping();
    }
  }

  /**
   * The port the API listens on (the chosen one when the options said 0); -1 before it started.
   *
   * @return the port, or -1
   */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() throws Exception {
    vertx.cancelTimer(sampler);
    if (queueGauges != null) {
      queueGauges.close();
    }
    // the requests in flight (a probe's /ready, say) get their answers; idle connections close at once
    Future<Void> closed = server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
    return closed.eventually(() -> admin.close());
  }

  private static PrometheusMeterRegistry prometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry child : composite.getRegistries()) {
        PrometheusMeterRegistry found = prometheus(child);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
