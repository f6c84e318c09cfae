package dev.spool.loadtest;

import dev.spool.impl.embedded.EmbeddedDatabase;

/**
 * The database a command works on: {@code --db}, else {@code SPOOL_DATABASE_URL}, else an embedded
 * PostgreSQL started for the run (handy for a try-out; figures worth quoting come from a real server).
 */
final class TargetDatabase implements AutoCloseable {

  final String uri;
  private final EmbeddedDatabase embedded;

  private TargetDatabase(String uri, EmbeddedDatabase embedded) {
    this.uri = uri;
    this.embedded = embedded;
  }

  static TargetDatabase resolve(String db, Progress progress) {
    String uri = db != null ? db : System.getenv("SPOOL_DATABASE_URL");
    if (uri != null && !uri.isBlank()) {
      return new TargetDatabase(uri, null);
    }
    progress.line("no --db or SPOOL_DATABASE_URL: starting an embedded PostgreSQL");
    EmbeddedDatabase started = EmbeddedDatabase.start();
    return new TargetDatabase(started.uri(), started);
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
