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

  private final int runtimeVersion;
  private final int schemaVersion;
  private final Integer compatibleFrom;

  public SchemaVersionException(String message, int runtimeVersion, int schemaVersion, Integer compatibleFrom) {
    super(message);
    this.runtimeVersion = runtimeVersion;
    this.schemaVersion = schemaVersion;
    this.compatibleFrom = compatibleFrom;
  }

  /** The schema version of this process: the newest migration it knows. */
  public int runtimeVersion() {
    return runtimeVersion;
  }

  /** The newest migration applied to the schema; 0 when it has none. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** The oldest runtime the schema's migrations newer than this process work with; null when none is newer. */
  public Integer compatibleFrom() {
    return compatibleFrom;
  }
}
