package dev.spool.impl.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the named queries, written for the Vert.x client with {@code $n} parameters, on a JDBC connection:
 * each {@code $n} becomes a {@code ?} bound to the Tuple's n-th value, so both clients share one SQL text.
 * The queries given here hold no string literal or dollar-quoted body with a {@code $} followed by a digit.
 */
final class JdbcStatements {

  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

  /** A query in JDBC form: its text with {@code ?}, and which Tuple value (from 0) each {@code ?} takes. */
  record Prepared(String sql, int[] order) {}

  private JdbcStatements() {}

  static Prepared convert(String sql) {
    Matcher m = PARAMETER.matcher(sql);
    StringBuilder out = new StringBuilder();
    List<Integer> order = new ArrayList<>();
    while (m.find()) {
      order.add(Integer.parseInt(m.group(1)) - 1);
      m.appendReplacement(out, "?");
    }
    m.appendTail(out);
    return new Prepared(out.toString(), order.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A statement of {@code query} with the values of {@code params} bound. */
  static PreparedStatement prepare(Connection connection, Prepared query, Tuple params) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(query.sql());
    try {
      for (int i = 0; i < query.order().length; i++) {
        bind(connection, statement, i + 1, params.getValue(query.order()[i]));
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private static void bind(Connection c, PreparedStatement s, int index, Object value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.OTHER); // no type: the server infers it from the statement, as for the Vert.x client
    } else if (value instanceof Buffer b) {
      s.setBytes(index, b.getBytes());
    } else if (value instanceof OffsetDateTime t) {
      s.setObject(index, t);
    } else if (value instanceof Object[] array) {
      s.setArray(index, array(c, array));
    } else {
      s.setObject(index, value); // String, Short, Integer, Long, Double, Boolean
    }
  }

  private static Array array(Connection c, Object[] values) throws SQLException {
    if (values instanceof byte[][] bytes) {
      return c.createArrayOf("bytea", bytes);
    }
    if (values instanceof Buffer[] buffers) {
      byte[][] bytes = new byte[buffers.length][];
      for (int i = 0; i < buffers.length; i++) {
        bytes[i] = buffers[i] == null ? null : buffers[i].getBytes();
      }
      return c.createArrayOf("bytea", bytes);
    }
    if (values instanceof OffsetDateTime[] times) {
      String[] text = new String[times.length];
      for (int i = 0; i < times.length; i++) {
        text[i] = times[i] == null ? null : times[i].toString();
      }
      return c.createArrayOf("timestamptz", text);
    }
    String type = values instanceof String[] ? "text" : values instanceof Short[] ? "int2"
        : values instanceof Integer[] ? "int4" : values instanceof Long[] ? "int8"
        : values instanceof Double[] ? "float8" : values instanceof Boolean[] ? "bool" : null;
    if (type == null) {
      throw new IllegalStateException("no JDBC array type for " + values.getClass().getSimpleName()); // a bug here
    }
    return c.createArrayOf(type, values);
  }
}
