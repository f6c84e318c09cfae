package dev.spool.impl.worker;

import dev.spool.impl.sql.Queries;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once per process what the workers do about timeouts an operator set for Spool's role or database
 * ({@code ALTER ROLE ... SET statement_timeout}). The workers' own connections start with
 * {@code statement_timeout=0}: a claim of large payloads, an ack waiting for a row a report holds, or a
 * heartbeat cancelled by a timeout meant for application queries would stall a worker or have its jobs taken
 * for orphans. Enqueues and handlers' transactions (the Spool's pool) keep the operator's settings, so an
 * {@code idle_in_transaction_session_timeout} ends a handler's transaction left idle that long, and its job is
 * retried with the server's message as its error.
 */
final class SessionTimeouts {

  private static final System.Logger LOG = System.getLogger(SessionTimeouts.class.getName());
  private static final AtomicBoolean SAID = new AtomicBoolean();

  private SessionTimeouts() {}

  /** Reads the settings on {@code pool} (a connection without the workers' startup settings) and logs them. */
  static void sayOnce(Pool pool, Queries queries) {
    if (SAID.getAndSet(true)) {
      return;
    }
    pool.query(queries.get("SessionTimeouts")).execute().onSuccess(rows -> {
      Row row = rows.iterator().next();
      String statement = row.getString("statement_timeout");
      String idle = row.getString("idle_in_transaction_session_timeout");
      if (!"0".equals(statement)) {
        LOG.log(System.Logger.Level.WARNING, "statement_timeout is {0} for Spool''s role or database: the workers'' "
            + "own connections (claims, acks, heartbeats) run without it; enqueues, handlers'' transactions and the "
            + "leader''s scheduler keep it, and fail with \"canceling statement due to statement timeout\" when they "
            + "take longer", statement);
      }
      if (!"0".equals(idle)) {
        LOG.log(System.Logger.Level.WARNING, "idle_in_transaction_session_timeout is {0} for Spool''s role or "
            + "database: a handler''s transaction (completeInTransaction) idle that long is ended by the server, "
            + "and its job retried", idle);
      }
    });
  }
}
