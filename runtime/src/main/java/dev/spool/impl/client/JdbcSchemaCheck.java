package dev.spool.impl.client;

import dev.spool.impl.sql.SchemaVersions;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The schema version guard of the JDBC client, as {@link SchemaCheck} is the Vert.x client's: an enqueue first
 * reads the schema's version on the caller's connection (within a transaction, a second connection from a small
 * pool might never come), and fails with {@link dev.spool.SchemaVersionException}, with the same message, while
 * this process may not work against it. A good answer holds for {@link SchemaCheck#RECHECK_NANOS}; a bad one is
 * read again at the next enqueue, so the client recovers as soon as {@code migrate} has run.
 */
final class JdbcSchemaCheck {

  private final SchemaVersions versions;
  private final JdbcStatements.Prepared window;
  /** When the last good answer was read, by {@link System#nanoTime()}; absent before the first. */
  private volatile long goodAt;
  private volatile boolean good;

  JdbcSchemaCheck(SchemaVersions versions, String schemaWindowSql) {
    this.versions = versions;
    this.window = JdbcStatements.convert(schemaWindowSql);
  }

  /**
   * Returns when this process may enqueue; throws SchemaVersionException when it may not. A schema without
   * Spool's tables fails the read, and so the caller's transaction, which the enqueue's failure dooms anyway.
   */
  void ready(Connection connection) throws SQLException {
    if (good && System.nanoTime() - goodAt < SchemaCheck.RECHECK_NANOS) {
      return;
    }
    SchemaVersions.Verdict verdict;
    try (PreparedStatement s = JdbcStatements.prepare(connection, window, Tuple.of(versions.runtimeVersion()));
        ResultSet row = s.executeQuery()) {
      row.next();
      verdict = versions.judge(row.getInt("version"), (Integer) row.getObject("compatible_from"),
          row.getBoolean("undeclared"));
    } catch (SQLException e) {
      if (!SchemaVersions.UNDEFINED_TABLE.equals(e.getSQLState())) {
        throw e;
      }
      verdict = versions.noSchema();
    }
    if (!verdict.works()) {
      good = false;
      throw verdict.exception();
    }
    goodAt = System.nanoTime();
    good = true;
  }
}
