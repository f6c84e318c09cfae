package dev.spool.testing;

import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL that tests talk to: {@code SPOOL_TEST_DATABASE_URL} when set, else an embedded server
 * started once per JVM. Each test takes a schema of its own, so tests never see each other's jobs.
 */
public final class TestDatabase {

  private TestDatabase() {}

  /** {@code SPOOL_TEST_DATABASE_URL}, else one embedded server for the whole JVM, started on first use. */
  public static String uri() {
    return DatabaseChoice.shared("SPOOL_TEST_DATABASE_URL");
  }

  /** A schema name no other test uses. */
  public static String freshSchema() {
    return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /** Waits for a future from a test thread (never call on an event loop). */
  public static <T> T await(Future<T> future) {
    return await(future, 60);
  }

  public static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new RuntimeException(cause);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
