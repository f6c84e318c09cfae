package dev.spool.cli;

import dev.spool.SchemaVersionException;
import io.vertx.pgclient.PgException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * The failures to start that a worker's environment, not a bug, causes: a schema this process may not work
 * against, a database it cannot reach or may not log into, a port in use. The command says each in one line
 * that names what to fix, and exits 1 (refused); anything else is unexpected and keeps its stack trace.
 */
final class StartRefusals {

  /** SQLSTATE classes of a refused connection: 08 connection exception, 28 invalid authorization. */
  private static final Set<String> REFUSED_CLASSES = Set.of("08", "28");

  /**
   * SQLSTATEs of a server that will not take this connection: no such database, too many connections,
   * shutting down or starting up.
   */
  private static final Set<String> REFUSED_STATES = Set.of("3D000", "53300", "57P01", "57P02", "57P03");

  private StartRefusals() {}

  /**
   * The one line saying why the worker did not start, or null when {@code failure} is unexpected.
   *
   * @param databaseUri the database the worker connects to (its password is not shown)
   */
  static String refusal(Throwable failure, String databaseUri) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof SchemaVersionException) {
        return e.getMessage(); // says what to run
      }
      if (e instanceof BindException) {
        return e.getMessage(); // the admin API names its address (AdminServerOptions)
      }
      if (e instanceof PgException pg && refusedConnection(pg.getSqlState())
          || e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
        return "cannot connect to " + redact(databaseUri) + ": " + String.valueOf(e.getMessage()).strip();
      }
    }
    return null;
  }

  private static boolean refusedConnection(String sqlState) {
    return sqlState != null && (REFUSED_STATES.contains(sqlState)
        || sqlState.length() == 5 && REFUSED_CLASSES.contains(sqlState.substring(0, 2)));
  }

  /** The URL without its password (as the runtime's own messages show it). */
  private static String redact(String uri) {
    return uri.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
  }
}
