package dev.spool;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Enqueues on a plain JDBC {@link Connection}: the connection of the caller's own transaction, so the job
 * exists if and only if that transaction commits, and workers see it (and are woken) only then. The same
 * statements, checks and options as {@link JobClient}'s (batches, workflows, unique keys, job keys), run
 * synchronously on the caller's thread; the caller commits or rolls back. Get one from {@link Spool#jdbcClient()}.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   insertOrder(c, order);
 *   jdbc.enqueue(c, SEND_RECEIPT, new JsonObject().put("order", order.id()), new EnqueueOptions());
 *   c.commit();
 * }
 * }</pre>
 *
 * <p>The connection must reach the database (and schema) of the {@link Spool} it came from; it is neither
 * committed nor closed here. Needs a PostgreSQL JDBC driver ({@code org.postgresql:postgresql}).
 *
 * <p>As the Vert.x client's, an enqueue here first reads the schema's version, on this connection, at most every
 * 30 seconds while the answer is good, and fails with {@link SchemaVersionException} (the same message) while this
 * process may not work against the schema: not migrated to this release yet, or migrated beyond its window.
 */
public interface JdbcJobClient {

  /**
   * Enqueues one job; returns its id. With a unique key held by an available or running job, returns that
   * job's id and adds nothing.
   *
   * @throws IllegalArgumentException for options or arguments the Vert.x client would refuse
   * @throws SQLException             when the statement fails (the caller's transaction is then to be rolled back)
   * @throws SchemaVersionException   when this process may not work against the schema
   * @param <A> the task's argument type
   * @param connection the caller's JDBC connection; the caller commits
   * @param task the task, whose codec encodes {@code args}
   * @param args the job's arguments
   * @param options queue, priority, delay, limits and keys of the job
   * @return the new job's id, or the id of the job already holding its unique key
   */
  <A> long enqueue(Connection connection, Task<A> task, A args, EnqueueOptions options) throws SQLException;

  /**
   * Enqueues one JSON job under a task name with default options.
   *
   * @param connection the caller's JDBC connection; the caller commits
   * @param task the task's name
   * @param args the job's arguments as JSON
   * @return the new job's id
   * @throws SQLException when the statement fails
   */
  default long enqueue(Connection connection, String task, JsonObject args) throws SQLException {
    return enqueue(connection, Task.json(task), args, new EnqueueOptions());
  }

  /**
   * Enqueues many jobs, of any tasks, in one statement; returns their ids in the order given. Unique keys
   * are not accepted here, as in {@link JobClient#enqueueAll}.
   *
   * @param connection the caller's JDBC connection; the caller commits
   * @param jobs the jobs, each a task, its arguments and its options
   * @return the new jobs' ids, in the order of {@code jobs}
   * @throws SQLException when the statement fails
   * @throws SchemaVersionException when this process may not work against the schema
   */
  List<Long> enqueueAll(Connection connection, List<JobRequest<?>> jobs) throws SQLException;

  /**
   * Enqueues many jobs of one task in one statement; returns their ids in the order given.
   *
   * @param <A> the task's argument type
   * @param connection the caller's JDBC connection; the caller commits
   * @param task the task, whose codec encodes each of {@code args}
   * @param args one job's arguments per element
   * @param options the options of every job (no unique key)
   * @return the new jobs' ids, in the order of {@code args}
   * @throws SQLException when the statement fails
   */
  default <A> List<Long> enqueueBatch(Connection connection, Task<A> task, List<A> args, EnqueueOptions options)
      throws SQLException {
    return enqueueAll(connection, args.stream().<JobRequest<?>>map(a -> new JobRequest<>(task, a, options)).toList());
  }

  /**
   * Enqueues every step of a workflow in one statement, as {@link JobClient#enqueueWorkflow}.
   *
   * @param connection the caller's JDBC connection; the caller commits
   * @param workflow the workflow's steps and their dependencies
   * @return the workflow's id and its steps' job ids
   * @throws SQLException when the statement fails
   * @throws SchemaVersionException when this process may not work against the schema
   */
  WorkflowRun enqueueWorkflow(Connection connection, Workflow workflow) throws SQLException;
}
