package dev.spool.impl.client;

import dev.spool.impl.sql.SchemaVersions;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * The client's side of the schema version guard: the first enqueue reads the schema's version and every
 * enqueue fails with {@link dev.spool.SchemaVersionException} while this process may not work against it
 * (a schema not yet migrated to this release, or migrated beyond its window). A good answer holds for
 * {@link #RECHECK_NANOS}, after which the next enqueue reads again; a bad one is read again at the next
 * enqueue, so a client recovers as soon as {@code migrate} has run, without a restart.
 */
final class SchemaCheck {

  /** How long a good answer holds. */
  static final long RECHECK_NANOS = 30_000_000_000L;

  private final SchemaVersions versions;
  private volatile Future<Void> answer;
  private volatile long answeredAt;

  SchemaCheck(SchemaVersions versions) {
    this.versions = versions;
  }

  /**
   * Succeeds when this process may enqueue; enqueues that arrive during a read share it. A read goes on
   * {@code client}, the enqueue's own: within a caller's transaction, a second connection from a small pool
   * might never come.
   */
  Future<Void> ready(SqlClient client) {
    Future<Void> current = answer;
    if (current != null && (!current.isComplete()
        || current.succeeded() && System.nanoTime() - answeredAt < RECHECK_NANOS)) {
      return current;
    }
    synchronized (this) {
      if (answer != current) {
        return answer;
      }
      Future<Void> read = versions.require(client).<Void>mapEmpty().onComplete(ar -> answeredAt = System.nanoTime());
      answer = read;
      return read;
    }
  }
}
