package dev.spool;

import io.vertx.core.json.JsonObject;

/**
 * Where Spool keeps its jobs and how it talks to PostgreSQL.
 *
 * <ul>
 *   <li>{@code schema}: the PostgreSQL schema of Spool's tables, so several Spools can share a database.
 *   <li>{@code poolSize}: connections of the {@link JobClient} (workers have their own).
 *   <li>{@code keepCompleted}: keep completed jobs as rows in state {@code completed} instead of deleting
 *       them at once (in the kept history, outside the table claims read: see {@link RetentionOptions});
 *       deleting is faster.
 *   <li>{@code retention}: how long completed, dead and cancelled jobs are kept before the leader prunes
 *       them ({@link RetentionOptions}; completed ones are deleted at once by default).
 *   <li>{@code vacuum}: when the leader vacuums the jobs table itself ({@link VacuumOptions}; on by default).
 *   <li>{@code pipeliningLimit}: statements in flight on one connection.
 *   <li>{@code maxPayloadBytes}: the largest encoded arguments an enqueue accepts.
 *   <li>{@code maxResultBytes}: the largest encoded result a handler may complete with; a larger one sends
 *       its job to {@code dead} with an error saying so.
 *   <li>{@code history}: record every state transition of every job in {@code job_events} (for audit and
 *       the admin API's job view). A property of the schema, set when this Spool migrates: {@code true}
 *       turns it on, {@code false} off, unset (the default) leaves it as it is — so workers started with
 *       default options do not undo what an operator chose. Off in a new schema; costs nothing when off.
 * </ul>
 */
public class SpoolOptions {

  /** The default of {@link #setSchema}. */
  public static final String DEFAULT_SCHEMA = "spool";
  /** The default of {@link #setPoolSize}. */
  public static final int DEFAULT_POOL_SIZE = 4;
  /** The default of {@link #setKeepCompleted}. */
  public static final boolean DEFAULT_KEEP_COMPLETED = false;
  /** The default of {@link #setPipeliningLimit}. */
  public static final int DEFAULT_PIPELINING_LIMIT = 256;
  /** 1 MiB: job arguments are for references and parameters, not for the data itself. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
  /** 1 MiB, like arguments: a result is an answer or a reference, not a data set. */
  public static final int DEFAULT_MAX_RESULT_BYTES = 1 << 20;

  private static final java.util.regex.Pattern SCHEMA_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,40}");

  private String schema = DEFAULT_SCHEMA;
  private int poolSize = DEFAULT_POOL_SIZE;
  private boolean keepCompleted = DEFAULT_KEEP_COMPLETED;
  private int pipeliningLimit = DEFAULT_PIPELINING_LIMIT;
  private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
  private int maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
  private Boolean history;
  private RetentionOptions retention = new RetentionOptions();
  private VacuumOptions vacuum = new VacuumOptions();

  /** Options with every setting at its default. */
  public SpoolOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public SpoolOptions(SpoolOptions other) {
    this.schema = other.schema;
    this.poolSize = other.poolSize;
    this.keepCompleted = other.keepCompleted;
    this.pipeliningLimit = other.pipeliningLimit;
    this.maxPayloadBytes = other.maxPayloadBytes;
    this.maxResultBytes = other.maxResultBytes;
    this.history = other.history;
    this.retention = new RetentionOptions(other.retention);
    this.vacuum = new VacuumOptions(other.vacuum);
  }

  /**
   * Reads the fields of {@link #toJson()}; absent fields keep their defaults.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public SpoolOptions(JsonObject json) {
    setSchema(json.getString("schema", DEFAULT_SCHEMA));
    setPoolSize(json.getInteger("poolSize", DEFAULT_POOL_SIZE));
    setKeepCompleted(json.getBoolean("keepCompleted", DEFAULT_KEEP_COMPLETED));
    setPipeliningLimit(json.getInteger("pipeliningLimit", DEFAULT_PIPELINING_LIMIT));
    setMaxPayloadBytes(json.getInteger("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES));
    setMaxResultBytes(json.getInteger("maxResultBytes", DEFAULT_MAX_RESULT_BYTES));
    this.history = json.getBoolean("history");
    JsonObject retentionJson = json.getJsonObject("retention");
    setRetention(retentionJson == null ? new RetentionOptions() : new RetentionOptions(retentionJson));
    JsonObject vacuumJson = json.getJsonObject("vacuum");
    setVacuum(vacuumJson == null ? new VacuumOptions() : new VacuumOptions(vacuumJson));
  }

  /** {@return these options as JSON, which {@link #SpoolOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject().put("schema", schema).put("poolSize", poolSize).put("keepCompleted", keepCompleted)
        .put("pipeliningLimit", pipeliningLimit).put("maxPayloadBytes", maxPayloadBytes)
        .put("maxResultBytes", maxResultBytes).put("history", history)
        .put("retention", retention.toJson())
        .put("vacuum", vacuum.toJson());
  }

  /**
   * Returns {@code schema} when it is a lower-case SQL identifier of at most 41 characters, and throws
   * otherwise: the one check of schema names, which reach Spool's SQL as identifiers.
   *
   * @param schema the schema name to check
   * @return {@code schema} itself
   * @throws IllegalArgumentException when it is not such an identifier
   */
  public static String checkSchemaName(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema name must match " + SCHEMA_NAME.pattern() + ", got: " + schema);
    }
    return schema;
  }

  /** {@return the {@code schema} setting} See {@link #setSchema}. */
  public String getSchema() {
    return schema;
  }

  /**
   * A lower-case SQL identifier.
   *
   * @param schema A lower-case SQL identifier.
   * @return these options
   */
  public SpoolOptions setSchema(String schema) {
    this.schema = checkSchemaName(schema);
    return this;
  }

  /** {@return the {@code poolSize} setting} See {@link #setPoolSize}. */
  public int getPoolSize() {
    return poolSize;
  }

  /**
   * Connections of the {@link JobClient}; workers have their own. At least 1.
   *
   * @param poolSize the client's pool size
   * @return these options
   */
  public SpoolOptions setPoolSize(int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
    }
    this.poolSize = poolSize;
    return this;
  }

  /** {@return the {@code keepCompleted} setting} See {@link #setKeepCompleted}. */
  public boolean isKeepCompleted() {
    return keepCompleted;
  }

  /**
   * Keeps completed jobs as rows in state {@code completed} instead of deleting them at once; deleting is faster
   * and keeps the table small.
   *
   * @param keepCompleted true to keep completed jobs
   * @return these options
   */
  public SpoolOptions setKeepCompleted(boolean keepCompleted) {
    this.keepCompleted = keepCompleted;
    return this;
  }

  /** {@return the {@code pipeliningLimit} setting} See {@link #setPipeliningLimit}. */
  public int getPipeliningLimit() {
    return pipeliningLimit;
  }

  /**
   * Statements in flight on one connection; at least 1.
   *
   * @param pipeliningLimit the pipelining limit of each connection
   * @return these options
   */
  public SpoolOptions setPipeliningLimit(int pipeliningLimit) {
    if (pipeliningLimit < 1) {
      throw new IllegalArgumentException("pipeliningLimit must be at least 1, got " + pipeliningLimit);
    }
    this.pipeliningLimit = pipeliningLimit;
    return this;
  }

  /** {@return the {@code maxPayloadBytes} setting} See {@link #setMaxPayloadBytes}. */
  public int getMaxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * Enqueues whose encoded arguments are larger fail with an {@link IllegalArgumentException}.
   *
   * @param maxPayloadBytes enqueues whose encoded arguments are larger fail with an {@link IllegalArgumentException}.
   * @return these options
   */
  public SpoolOptions setMaxPayloadBytes(int maxPayloadBytes) {
    if (maxPayloadBytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be at least 1, got " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /** {@return the {@code maxResultBytes} setting} See {@link #setMaxResultBytes}. */
  public int getMaxResultBytes() {
    return maxResultBytes;
  }

  /**
   * The largest encoded result a handler may complete with, in bytes; a larger one sends its job to {@code dead} with
   * an error saying so. At least 1.
   *
   * @param maxResultBytes the limit in bytes
   * @return these options
   */
  public SpoolOptions setMaxResultBytes(int maxResultBytes) {
    if (maxResultBytes < 1) {
      throw new IllegalArgumentException("maxResultBytes must be at least 1, got " + maxResultBytes);
    }
    this.maxResultBytes = maxResultBytes;
    return this;
  }

  /** {@return the {@code retention} setting} See {@link #setRetention}. */
  public RetentionOptions getRetention() {
    return new RetentionOptions(retention);
  }

  /**
   * How long finished jobs are kept per final state, pruned by the leader (see {@link RetentionOptions}).
   * {@code keepCompleted} is the older switch: with it on and no completed window, completed jobs are kept
   * forever.
   *
   * @param retention how long finished jobs are kept per final state, pruned by the leader (see {@link RetentionOptions}).
   * @return these options
   */
  public SpoolOptions setRetention(RetentionOptions retention) {
    if (retention == null) {
      throw new IllegalArgumentException("retention must not be null");
    }
    this.retention = new RetentionOptions(retention);
    return this;
  }

  /** {@return the {@code vacuum} setting} See {@link #setVacuum}. */
  public VacuumOptions getVacuum() {
    return new VacuumOptions(vacuum);
  }

  /**
   * When the leader vacuums the jobs table itself (see {@link VacuumOptions}).
   *
   * @param vacuum when the leader vacuums the jobs table itself (see {@link VacuumOptions}).
   * @return these options
   */
  public SpoolOptions setVacuum(VacuumOptions vacuum) {
    if (vacuum == null) {
      throw new IllegalArgumentException("vacuum must not be null");
    }
    this.vacuum = new VacuumOptions(vacuum);
    return this;
  }

  /**
   * True when completed jobs stay as rows (keepCompleted, or a completed retention window).
   *
   * @return true when completed jobs are kept
   */
  public boolean keepsCompletedJobs() {
    return keepCompleted || retention.keepsCompleted();
  }

  /**
   * True or false when this Spool's migrate turns job history on or off; null when it leaves it as it is.
   *
   * @return the history setting, or null
   */
  public Boolean getHistory() {
    return history;
  }

  /**
   * Turns job history on or off at the next {@link Spool#migrate()}; null leaves the schema's setting.
   *
   * @param history turns job history on or off at the next {@link Spool#migrate()}; null leaves the schema's setting.
   * @return these options
   */
  public SpoolOptions setHistory(Boolean history) {
    this.history = history;
    return this;
  }
}
