package dev.spool.loadtest;

import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A Vert.x and a Spool of one load-test run's own, on the run's schema, closed when the run ends however it ends
 * (the soak, horizon and upgrade runs each drive their worker processes through one).
 */
final class OwnSpool {

  /** What a run does with its Spool; its JSON line is the run's result. */
  interface Run {
    JsonObject on(Spool spool) throws Exception;
  }

  private OwnSpool() {}

  /** Builds the Spool on {@code uri} and {@code schema}, runs {@code run} on it, then closes the Spool and Vert.x. */
  static JsonObject run(String uri, String schema, Run run) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).options(new SpoolOptions().setSchema(schema)).build();
      try {
        return run.on(spool);
      } finally {
        Blocking.await(spool.close());
      }
    } finally {
      Blocking.await(vertx.close());
    }
  }
}
