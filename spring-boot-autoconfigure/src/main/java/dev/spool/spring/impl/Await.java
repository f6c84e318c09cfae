package dev.spool.spring.impl;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future on a Spring thread (context start and stop), never on an event loop. */
public final class Await {

  private Await() {}

  /** The future's value; its failure rethrown (unchecked), or an IllegalStateException after {@code timeout}. */
  public static <T> T result(Future<T> future, Duration timeout, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(what + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    }
  }
}
