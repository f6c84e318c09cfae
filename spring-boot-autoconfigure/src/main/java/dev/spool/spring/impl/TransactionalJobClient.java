package dev.spool.spring.impl;

import dev.spool.CancelResult;
import dev.spool.EnqueueOptions;
import dev.spool.JdbcJobClient;
import dev.spool.Job;
import dev.spool.JobClient;
import dev.spool.JobRequest;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.WorkflowStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The application's {@link JobClient}: inside a Spring-managed transaction on the application's
 * {@code DataSource} ({@code @Transactional} with a DataSourceTransactionManager or JpaTransactionManager),
 * an enqueue runs on that transaction's JDBC connection, so the job commits or rolls back with it, and the
 * returned future is already complete; elsewhere it takes Spool's own Vert.x client. Everything else is
 * Spool's client.
 */
public final class TransactionalJobClient implements JobClient {

  /** An enqueue on a JDBC connection. */
  @FunctionalInterface
  private interface OnConnection<T> {
    T run(Connection connection) throws Exception;
  }

  private final JobClient client;
  private final JdbcJobClient jdbc;
  private final DataSource dataSource;

  public TransactionalJobClient(JobClient client, JdbcJobClient jdbc, DataSource dataSource) {
    this.client = client;
    this.jdbc = jdbc;
    this.dataSource = dataSource;
  }

  /** Whether an enqueue now would join a transaction (and take the JDBC path). */
  public boolean inTransaction() {
    return TransactionSynchronizationManager.isActualTransactionActive()
        && TransactionSynchronizationManager.getResource(dataSource) != null;
  }

  private <T> Future<T> onTransaction(OnConnection<T> action) {
    Connection connection = DataSourceUtils.getConnection(dataSource); // the transaction's, bound to this thread
    try {
      return Future.succeededFuture(action.run(connection));
    } catch (Exception e) {
      return Future.failedFuture(e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  @Override
  public <A> Future<Long> enqueue(Task<A> task, A args, EnqueueOptions options) {
    return inTransaction() ? onTransaction(c -> jdbc.enqueue(c, task, args, options)) : client.enqueue(task, args, options);
  }

  @Override
  public <A> Future<Long> enqueue(SqlClient connection, Task<A> task, A args, EnqueueOptions options) {
    return client.enqueue(connection, task, args, options);
  }

  @Override
  public Future<List<Long>> enqueueAll(List<JobRequest<?>> jobs) {
    return inTransaction() ? onTransaction(c -> jdbc.enqueueAll(c, jobs)) : client.enqueueAll(jobs);
  }

  @Override
  public Future<List<Long>> enqueueAll(SqlClient connection, List<JobRequest<?>> jobs) {
    return client.enqueueAll(connection, jobs);
  }

  @Override
  public Future<WorkflowRun> enqueueWorkflow(SqlClient connection, Workflow workflow) {
    return connection == null && inTransaction() ? onTransaction(c -> jdbc.enqueueWorkflow(c, workflow))
        : client.enqueueWorkflow(connection, workflow);
  }

  @Override
  public Future<CancelResult> cancel(long id) {
    return client.cancel(id);
  }

  @Override
  public Future<Void> pauseQueue(String queue) {
    return client.pauseQueue(queue);
  }

  @Override
  public Future<Void> resumeQueue(String queue) {
    return client.resumeQueue(queue);
  }

  @Override
  public Future<Optional<Job>> find(long id) {
    return client.find(id);
  }

  @Override
  public Future<JobResult> result(long id) {
    return client.result(id);
  }

  @Override
  public Future<JobResult> await(long id, Duration timeout) {
    return client.await(id, timeout);
  }

  @Override
  public Future<Optional<WorkflowStatus>> workflow(long workflowId) {
    return client.workflow(workflowId);
  }

  @Override
  public Future<Integer> cancelWorkflow(long workflowId) {
    return client.cancelWorkflow(workflowId);
  }

  @Override
  public Future<Map<String, Map<JobState, Long>>> countByQueueAndState() {
    return client.countByQueueAndState();
  }
}
