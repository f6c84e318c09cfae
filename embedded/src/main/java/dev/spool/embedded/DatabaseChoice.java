package dev.spool.embedded;

import java.util.function.Consumer;

/**
 * Which PostgreSQL a program talks to: the URI it was given, else the one in an environment variable,
 * else (where allowed) an embedded server started for it. The CLI, the load tester, the benchmarks and
 * the tests all choose this way; only the variable's name and what they tell the user differ.
 */
public final class DatabaseChoice implements AutoCloseable {

  /** The variable programs read when no {@code --db} is given. */
  public static final String ENV = "SPOOL_DATABASE_URL";

  private static String sharedUri;

  private final String uri;
  private final EmbeddedDatabase embedded;

  private DatabaseChoice(String uri, EmbeddedDatabase embedded) {
    this.uri = uri;
    this.embedded = embedded;
  }

  /**
   * {@code given}, else {@value #ENV}, else an embedded server owned by the returned choice (stopped by
   * {@link #close()}); throws when there is none and {@code embeddedAllowed} is false.
   *
   * @param announce told, in a sentence, when an embedded server is being started
   */
  public static DatabaseChoice resolve(String given, boolean embeddedAllowed, Consumer<String> announce) {
    String uri = configured(given, ENV);
    if (uri != null) {
      return new DatabaseChoice(uri, null);
    }
    if (!embeddedAllowed) {
      throw new IllegalArgumentException("no database: pass --db postgresql://... or set " + ENV);
    }
    announce.accept("No --db or " + ENV + " given: starting an embedded PostgreSQL...");
    EmbeddedDatabase started = EmbeddedDatabase.start();
    return new DatabaseChoice(started.uri(), started);
  }

  /**
   * The URI in {@code envVar}, else that of one embedded server shared by the whole JVM and stopped when it
   * exits (for test suites and benchmarks, which ask many times). The first call decides for the JVM.
   */
  public static synchronized String shared(String envVar) {
    if (sharedUri == null) {
      String uri = configured(null, envVar);
      if (uri == null) {
        EmbeddedDatabase embedded = EmbeddedDatabase.start();
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
        uri = embedded.uri();
      }
      sharedUri = uri;
    }
    return sharedUri;
  }

  private static String configured(String given, String envVar) {
    String uri = given != null ? given : System.getenv(envVar);
    return uri == null || uri.isBlank() ? null : uri;
  }

  public String uri() {
    return uri;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
