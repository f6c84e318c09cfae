package dev.spool.examples;

import dev.spool.embedded.EmbeddedDatabase;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The database an example runs on: {@code --db postgresql://...}, else {@code SPOOL_DATABASE_URL}, else
 * an embedded PostgreSQL started for the run (a few seconds) and removed when the example ends. Plus the
 * two chores every {@code main} has: reading an option and waiting for a future.
 */
public final class ExampleDatabase implements AutoCloseable {

  private final String uri;
  private final EmbeddedDatabase embedded;

  private ExampleDatabase(String uri, EmbeddedDatabase embedded) {
    this.uri = uri;
    this.embedded = embedded;
  }

  /** Resolves the database from the command line and the environment; call from {@code main}, it may block. */
  public static ExampleDatabase fromArgs(String[] args) {
    String uri = option(args, "--db", System.getenv("SPOOL_DATABASE_URL"));
    if (uri != null && !uri.isBlank()) {
      return new ExampleDatabase(uri, null);
    }
    System.out.println("No --db or SPOOL_DATABASE_URL: starting an embedded PostgreSQL...");
    EmbeddedDatabase started = EmbeddedDatabase.start();
    return new ExampleDatabase(started.uri(), started);
  }

  /** The {@code postgresql://} URI to hand to {@code Spool.builder(vertx).connectingTo(...)}. */
  public String uri() {
    return uri;
  }

  /** The value of {@code --name value} or {@code --name=value}, else {@code otherwise}. */
  public static String option(String[] args, String name, String otherwise) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(name + "=")) {
        return args[i].substring(name.length() + 1);
      }
    }
    return otherwise;
  }

  /** Blocks {@code main} (never an event loop) until {@code future} completes; rethrows its failure. */
  public static <T> T await(Future<T> future, long seconds) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Stops the embedded server, if one was started. */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
