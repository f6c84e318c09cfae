package dev.spool.cli;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocks a command's main thread (never an event loop) on a future. */
final class Await {

  static final long DEFAULT_TIMEOUT_S = 120;

  private Await() {}

  static <T> T result(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(DEFAULT_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("gave up waiting after " + DEFAULT_TIMEOUT_S + " s");
    }
  }
}
