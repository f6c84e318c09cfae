package dev.spool.impl.maintenance;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The periodic timer of a maintenance service: started once, stopped once, whatever the number of calls. */
final class Ticker {

  private final Vertx vertx;
  private long timer = -1;

  Ticker(Vertx vertx) {
    this.vertx = vertx;
  }

  /** True while it ticks. */
  boolean running() {
    return timer >= 0;
  }

  /** Calls {@code tick} every {@code intervalMs} from now on, unless it already ticks. */
  void start(long intervalMs, Runnable tick) {
    if (timer < 0) {
      timer = vertx.setPeriodic(intervalMs, t -> tick.run());
    }
  }

  /** Stops ticking (a pass under way finishes on its own). */
  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return Future.succeededFuture();
  }
}
