package dev.spool.impl.sql;

import dev.spool.SchemaVersionException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Whether this process may work against the schema as the database has it: the schema's version, and what
 * the migrations newer than this build declare about older runtimes ({@link Migrations}). A process works
 * when the schema is at its own version, or newer with every newer migration declaring a
 * {@code compatible-from} at or below its version. A schema older than the process needs {@code migrate}
 * first; a newer one outside the window needs this process upgraded.
 */
public final class SchemaVersions {

  /** The SQLSTATE of a schema without Spool's tables, as a reader of SchemaWindow sees it. */
  public static final String UNDEFINED_TABLE = "42P01";

  /** What a check found. */
  public enum Fit { CURRENT, OLDER_RUNTIME, NEEDS_MIGRATE, NEEDS_UPGRADE, NO_SCHEMA }

  /**
   * @param schemaVersion the newest migration applied to the schema (0 when none)
   * @param compatibleFrom the oldest runtime the migrations newer than this process work with; null when none is newer
   */
  public record Verdict(String schema, int runtimeVersion, int schemaVersion, Integer compatibleFrom, Fit fit) {

    /** True when this process may claim and enqueue. */
    public boolean works() {
      return fit == Fit.CURRENT || fit == Fit.OLDER_RUNTIME;
    }

    /** What an operator reads when it may not: what is wrong and what to run. */
    public String message() {
      return switch (fit) {
        case CURRENT -> "schema " + schema + " is at version " + schemaVersion + ", as this Spool";
        case OLDER_RUNTIME -> "schema " + schema + " is at version " + schemaVersion + ", newer than this Spool's "
            + runtimeVersion + "; it declares runtimes of version " + compatibleFrom + " or later compatible";
        case NEEDS_MIGRATE -> "schema " + schema + " is at version " + schemaVersion + ", older than this Spool's "
            + runtimeVersion + ": run `spool migrate` (or Spool.migrate()) first, or let the worker migrate at start "
            + "(worker.migrate: true)";
        case NEEDS_UPGRADE -> "schema " + schema + " is at version " + schemaVersion + ", which works with Spool "
            + "runtimes of version " + (compatibleFrom == null ? schemaVersion : compatibleFrom) + " or later; this "
            + "process is of version " + runtimeVersion + ": upgrade it to a release of schema version "
            + (compatibleFrom == null ? schemaVersion : compatibleFrom) + " or later";
        case NO_SCHEMA -> "schema " + schema + " has no Spool tables: run `spool migrate` (or Spool.migrate()) first";
      };
    }

    /** The exception of a verdict that does not work. */
    public SchemaVersionException exception() {
      return new SchemaVersionException(message(), runtimeVersion, schemaVersion, compatibleFrom);
    }
  }

  private final Queries queries;
  private final int runtimeVersion;

  public SchemaVersions(Queries queries) {
    this(queries, Migrations.latest());
  }

  /** As a process of schema version {@code runtimeVersion} would see it (tests play older and newer ones). */
  public SchemaVersions(Queries queries, int runtimeVersion) {
    this.queries = queries;
    this.runtimeVersion = runtimeVersion;
  }

  public int runtimeVersion() {
    return runtimeVersion;
  }

  /** Reads the schema's versions in one statement and judges them. */
  public Future<Verdict> check(SqlClient client) {
    return client.preparedQuery(queries.get("SchemaWindow")).execute(Tuple.of(runtimeVersion))
        .map(rows -> {
          Row row = rows.iterator().next();
          return judge(row.getInteger("version"), row.getInteger("compatible_from"), row.getBoolean("undeclared"));
        })
        .recover(failure -> failure instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
            ? Future.succeededFuture(noSchema()) : Future.failedFuture(failure));
  }

  /** Fails with {@link SchemaVersionException} unless this process may work against the schema. */
  public Future<Verdict> require(SqlClient client) {
    return check(client).compose(v -> v.works() ? Future.succeededFuture(v) : Future.failedFuture(v.exception()));
  }

  /** The verdict on a schema whose {@code schema_version} table does not exist. */
  public Verdict noSchema() {
    return new Verdict(queries.schema(), runtimeVersion, 0, null, Fit.NO_SCHEMA);
  }

  /**
   * Judges what the {@code SchemaWindow} query answered, however it was run (the JDBC client runs it too).
   *
   * @param version its {@code version}
   * @param from its {@code compatible_from}
   * @param undeclared its {@code undeclared}
   */
  public Verdict judge(int version, Integer from, boolean undeclared) {
    Fit fit;
    if (version == 0) {
      fit = Fit.NO_SCHEMA;
    } else if (version < runtimeVersion) {
      fit = Fit.NEEDS_MIGRATE;
    } else if (version == runtimeVersion) {
      fit = Fit.CURRENT;
    } else if (undeclared || from == null || from > runtimeVersion) {
      fit = Fit.NEEDS_UPGRADE;
    } else {
      fit = Fit.OLDER_RUNTIME;
    }
    return new Verdict(queries.schema(), runtimeVersion, version, from, fit);
  }
}
