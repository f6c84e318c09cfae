package dev.spool;

/**
 * This process and the database's schema do not work together: the schema is older than the process (run
 * {@code spool migrate} or {@link Spool#migrate()} first), has no Spool tables yet, or is newer than the
 * compatibility window its migrations declare for a process of this version (upgrade the process). A worker
 * fails to start with it, or, when the schema moves out of its window while it runs, stops claiming; an
 * enqueue fails with it. The message says which and what to run.
 */
public class SchemaVersionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** The schema version of this process. */
  private final int runtimeVersion;
  /** The newest migration applied to the schema. */
  private final int schemaVersion;
  /** The oldest runtime newer migrations work with, or null. */
  private final Integer compatibleFrom;

  /**
   * A process and a schema that do not work together.
   *
   * @param message the sentence for people, saying what to do
   * @param runtimeVersion the schema version of this process: the newest migration it knows
   * @param schemaVersion the newest migration applied to the schema
   * @param compatibleFrom the oldest runtime the newer migrations work with, or null
   */
  public SchemaVersionException(String message, int runtimeVersion, int schemaVersion, Integer compatibleFrom) {
    super(message);
    this.runtimeVersion = runtimeVersion;
    this.schemaVersion = schemaVersion;
    this.compatibleFrom = compatibleFrom;
  }

  /**
   * The schema version of this process: the newest migration it knows.
   *
   * @return the version
   */
  public int runtimeVersion() {
    return runtimeVersion;
  }

  /**
   * The newest migration applied to the schema; 0 when it has none.
   *
   * @return the version, or 0
   */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * The oldest runtime the schema's migrations newer than this process work with; null when none is newer.
   *
   * @return the version, or null
   */
  public Integer compatibleFrom() {
    return compatibleFrom;
  }
}
