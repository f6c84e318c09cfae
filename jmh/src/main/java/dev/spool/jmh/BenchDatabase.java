package dev.spool.jmh;

import dev.spool.impl.embedded.EmbeddedDatabase;

/**
 * The PostgreSQL the database benchmarks use: {@code SPOOL_DATABASE_URL} when set, else an embedded server
 * started once per forked JVM (fsync off, like the test one: figures from it are for comparing code, not
 * for quoting against a real server).
 */
final class BenchDatabase {

  private static String uri;

  private BenchDatabase() {}

  static synchronized String uri() {
    if (uri == null) {
      String configured = System.getenv("SPOOL_DATABASE_URL");
      if (configured != null && !configured.isBlank()) {
        uri = configured;
      } else {
        EmbeddedDatabase embedded = EmbeddedDatabase.start();
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
        uri = embedded.uri();
      }
    }
    return uri;
  }
}
