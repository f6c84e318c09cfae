package dev.spool.examples.docs;

import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.AdminVerticle;
import dev.spool.metrics.MicrometerMetrics;
import io.vertx.core.Vertx;

/** The metrics snippet of docs/operations/index.md, compiled. */
final class OperationsSnippets {

  static Spool metrics(Vertx vertx, String uri) {
    // snippet:start metrics
    MicrometerMetrics metrics = new MicrometerMetrics(MicrometerMetrics.prometheusRegistry());
    Spool spool = Spool.builder(vertx).connectingTo(uri).listener(metrics).build();
    vertx.deployVerticle(new AdminVerticle(spool, new AdminOptions().setPort(7317), metrics));   // admin API + /metrics
    // snippet:end metrics
    return spool;
  }

  private OperationsSnippets() {}
}
