package dev.spool.jmh;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a benchmark's work on one Vert.x event loop and waits for it. The code under test lives on an event
 * loop in production; called from JMH's own thread instead, every timer it sets would cross threads and
 * the benchmark would measure that hand-off. Here the hand-off happens once per invocation, and an
 * invocation does thousands of jobs, so its cost is spread thin.
 */
final class OnEventLoop {

  private final Context context;

  OnEventLoop(Vertx vertx) {
    // From a thread that is not Vert.x's, this is a new event-loop context, used for every run below.
    this.context = vertx.getOrCreateContext();
  }

  void run(Runnable work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        work.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    done.join();
  }
}
