package dev.spool;

import dev.spool.impl.sql.Queries;
import io.vertx.core.json.JsonObject;

/**
 * Where Spool keeps its jobs and how it talks to PostgreSQL.
 *
 * <ul>
 *   <li>{@code schema}: the PostgreSQL schema of Spool's tables, so several Spools can share a database.
 *   <li>{@code poolSize}: connections of the {@link JobClient} (workers have their own).
 *   <li>{@code keepCompleted}: keep completed jobs as rows in state {@code completed} instead of deleting
 *       them at once; deleting is faster and keeps the table small.
 *   <li>{@code pipeliningLimit}: statements in flight on one connection.
 * </ul>
 */
public class SpoolOptions {

  public static final String DEFAULT_SCHEMA = "spool";
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final boolean DEFAULT_KEEP_COMPLETED = false;
  public static final int DEFAULT_PIPELINING_LIMIT = 256;

  private String schema = DEFAULT_SCHEMA;
  private int poolSize = DEFAULT_POOL_SIZE;
  private boolean keepCompleted = DEFAULT_KEEP_COMPLETED;
  private int pipeliningLimit = DEFAULT_PIPELINING_LIMIT;

  public SpoolOptions() {}

  public SpoolOptions(SpoolOptions other) {
    this.schema = other.schema;
    this.poolSize = other.poolSize;
    this.keepCompleted = other.keepCompleted;
    this.pipeliningLimit = other.pipeliningLimit;
  }

  public SpoolOptions(JsonObject json) {
    setSchema(json.getString("schema", DEFAULT_SCHEMA));
    setPoolSize(json.getInteger("poolSize", DEFAULT_POOL_SIZE));
    setKeepCompleted(json.getBoolean("keepCompleted", DEFAULT_KEEP_COMPLETED));
    setPipeliningLimit(json.getInteger("pipeliningLimit", DEFAULT_PIPELINING_LIMIT));
  }

  public JsonObject toJson() {
    return new JsonObject().put("schema", schema).put("poolSize", poolSize).put("keepCompleted", keepCompleted)
        .put("pipeliningLimit", pipeliningLimit);
  }

  public String getSchema() {
    return schema;
  }

  /** A lower-case SQL identifier. */
  public SpoolOptions setSchema(String schema) {
    this.schema = Queries.checkSchemaName(schema);
    return this;
  }

  public int getPoolSize() {
    return poolSize;
  }

  public SpoolOptions setPoolSize(int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
    }
    this.poolSize = poolSize;
    return this;
  }

  public boolean isKeepCompleted() {
    return keepCompleted;
  }

  public SpoolOptions setKeepCompleted(boolean keepCompleted) {
    this.keepCompleted = keepCompleted;
    return this;
  }

  public int getPipeliningLimit() {
    return pipeliningLimit;
  }

  public SpoolOptions setPipeliningLimit(int pipeliningLimit) {
    if (pipeliningLimit < 1) {
      throw new IllegalArgumentException("pipeliningLimit must be at least 1, got " + pipeliningLimit);
    }
    this.pipeliningLimit = pipeliningLimit;
    return this;
  }
}
