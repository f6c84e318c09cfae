package dev.spool.cli;

import dev.spool.impl.embedded.EmbeddedDatabase;

/**
 * The database a command works on: {@code --db}, else {@code SPOOL_DATABASE_URL}, else (for commands
 * that allow it) an embedded PostgreSQL started for the run.
 */
final class Database implements AutoCloseable {

  final String uri;
  private final EmbeddedDatabase embedded;

  private Database(String uri, EmbeddedDatabase embedded) {
    this.uri = uri;
    this.embedded = embedded;
  }

  static Database resolve(String db, boolean embeddedAllowed) {
    String uri = db != null ? db : System.getenv("SPOOL_DATABASE_URL");
    if (uri != null && !uri.isBlank()) {
      return new Database(uri, null);
    }
    if (!embeddedAllowed) {
      throw new IllegalArgumentException("no database: pass --db postgresql://... or set SPOOL_DATABASE_URL");
    }
    System.out.println("No --db or SPOOL_DATABASE_URL given: starting an embedded PostgreSQL...");
    EmbeddedDatabase started = EmbeddedDatabase.start();
    return new Database(started.uri(), started);
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
