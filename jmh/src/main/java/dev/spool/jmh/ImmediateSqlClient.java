package dev.spool.jmh;

import io.vertx.core.Future;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.lang.reflect.Array;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * A {@link SqlClient} whose statements succeed at once without a database, for in-memory benchmarks of
 * the code around the wire (the completer's batching, the dispatch path). Each statement reports as many
 * affected rows as its first parameter has elements, which is what an ack of jobs all still held reports.
 *
 * <p>It counts statements and parameters so a benchmark can check that flushes really happened and the
 * JIT cannot discard the tuples the code under test built. Not thread-safe: use it from one event loop.
 */
final class ImmediateSqlClient implements SqlClient {

  private long statements;
  private long parameters;

  long statements() {
    return statements;
  }

  long parameters() {
    return parameters;
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new Statement();
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new Statement();
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return new Statement();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private final class Statement implements PreparedQuery<RowSet<Row>> {

    @Override
    public Future<RowSet<Row>> execute(Tuple tuple) {
      statements++;
      parameters += tuple.size();
      Object first = tuple.size() == 0 ? null : tuple.getValue(0);
      int rows = first != null && first.getClass().isArray() ? Array.getLength(first) : 0;
      return Future.succeededFuture(new NoRows(rows));
    }

    @Override
    public Future<RowSet<Row>> execute() {
      return execute(Tuple.tuple());
    }

    @Override
    public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
      batch.forEach(this::execute);
      return Future.succeededFuture(new NoRows(batch.size()));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      throw new UnsupportedOperationException("not used by the code under benchmark");
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      throw new UnsupportedOperationException("not used by the code under benchmark");
    }
  }

  /** The result of a write: a row count and no rows. */
  private record NoRows(int rowCount) implements RowSet<Row> {

    @Override
    public RowIterator<Row> iterator() {
      return new RowIterator<>() {
        @Override
        public boolean hasNext() {
          return false;
        }

        @Override
        public Row next() {
          throw new NoSuchElementException();
        }
      };
    }

    @Override
    public List<String> columnsNames() {
      return List.of();
    }

    @Override
    public List<ColumnDescriptor> columnDescriptors() {
      return List.of();
    }

    @Override
    public int size() {
      return 0;
    }

    @Override
    public <V> V property(PropertyKind<V> kind) {
      return null;
    }

    @Override
    public RowSet<Row> value() {
      return this;
    }

    @Override
    public RowSet<Row> next() {
      return null;
    }
  }
}
