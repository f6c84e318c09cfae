package dev.spool.impl.client;

import dev.spool.EnqueueOptions;
import dev.spool.JdbcJobClient;
import dev.spool.JobRequest;
import dev.spool.Task;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.impl.sql.Queries;
import dev.spool.impl.sql.SchemaVersions;
import dev.spool.impl.trace.Tracing;
import io.vertx.sqlclient.Tuple;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link JdbcJobClient} with the Vert.x client's statements, parameters ({@link EnqueueParams}, {@link WorkflowParams})
 * and schema version guard ({@link JdbcSchemaCheck}).
 */
public final class JdbcEnqueuer implements JdbcJobClient {

  /** How often an enqueue with a unique key retries when the key's holder finishes under its feet. */
  private static final int UNIQUE_RETRIES = 5;

  private final int maxPayloadBytes;
  private final Tracing tracing = Tracing.INSTANCE;
  private final JdbcStatements.Prepared insertJob;
  private final JdbcStatements.Prepared findUniqueHolder;
  private final JdbcStatements.Prepared insertJobs;
  private final JdbcStatements.Prepared enqueueWorkflow;
  private final JdbcSchemaCheck schemaCheck;

  public JdbcEnqueuer(Queries queries, int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
    this.schemaCheck = new JdbcSchemaCheck(new SchemaVersions(queries), queries.get("SchemaWindow"));
    this.insertJob = JdbcStatements.convert(queries.get("InsertJob"));
    this.findUniqueHolder = JdbcStatements.convert(queries.get("FindUniqueHolder"));
    this.insertJobs = JdbcStatements.convert(queries.get("InsertJobs"));
    this.enqueueWorkflow = JdbcStatements.convert(queries.get("EnqueueWorkflow"));
  }

  @Override
  public <A> long enqueue(Connection connection, Task<A> task, A args, EnqueueOptions options) throws SQLException {
    Tuple params = EnqueueParams.one(task, args, options, maxPayloadBytes, tracing.capture());
    schemaCheck.ready(connection);
    for (int attempt = 0; attempt <= UNIQUE_RETRIES; attempt++) {
      try (PreparedStatement s = JdbcStatements.prepare(connection, insertJob, params); ResultSet rows = s.executeQuery()) {
        if (rows.next()) {
          return rows.getLong(1);
        }
      }
      // The key is held: answer with its holder, or insert again if the holder finished meanwhile.
      try (PreparedStatement s = JdbcStatements.prepare(connection, findUniqueHolder, Tuple.of(options.getUniqueKey()));
          ResultSet holder = s.executeQuery()) {
        if (holder.next()) {
          return holder.getLong(1);
        }
      }
    }
    throw new IllegalStateException("unique key " + options.getUniqueKey() + " kept changing hands");
  }

  @Override
  public List<Long> enqueueAll(Connection connection, List<JobRequest<?>> jobs) throws SQLException {
    if (jobs.isEmpty()) {
      return List.of();
    }
    Tuple params = EnqueueParams.jdbcBatch(jobs, maxPayloadBytes, tracing.capture());
    schemaCheck.ready(connection);
    List<Long> ids = new ArrayList<>(jobs.size());
    try (PreparedStatement s = JdbcStatements.prepare(connection, insertJobs, params); ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    return ids;
  }

  @Override
  public WorkflowRun enqueueWorkflow(Connection connection, Workflow workflow) throws SQLException {
    List<Workflow.Step> steps = workflow.steps();
    Tuple params = WorkflowParams.of(workflow.name(), steps, maxPayloadBytes, tracing.capture());
    schemaCheck.ready(connection);
    try (PreparedStatement s = JdbcStatements.prepare(connection, enqueueWorkflow, params); ResultSet rows = s.executeQuery()) {
      rows.next();
      Array array = rows.getArray("ids");
      Object[] ids = (Object[]) array.getArray();
      Map<String, Long> byStep = new LinkedHashMap<>();
      for (int i = 0; i < steps.size(); i++) {
        byStep.put(steps.get(i).name(), ((Number) ids[i]).longValue());
      }
      return new WorkflowRun(rows.getLong("workflow_id"), Collections.unmodifiableMap(byStep));
    }
  }
}
