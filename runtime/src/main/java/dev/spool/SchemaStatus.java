package dev.spool;

import java.time.Instant;
import java.util.List;

/**
 * Where a schema stands ({@link Spool#schemaStatus()}, {@code spool migrate --status}): the migrations applied
 * and pending, and which Spool releases work against it. A release is known by its schema version, the
 * newest migration it has. Each migration declares the oldest runtime version that works with a schema
 * that has it; the schema works with runtimes from the highest of these up to its own version (a newer
 * runtime needs {@code migrate} first).
 *
 * @param runtimeVersion the schema version of this process
 * @param schemaVersion the newest migration applied (0 when the schema has no Spool tables)
 * @param oldestCompatibleRuntime the oldest runtime version that works against the schema as it is
 * @param runtimeWorks whether this process may work against it
 * @param verdict what this process makes of it, in a sentence (what to run when it may not)
 * @param applied the migrations applied, in version order (some may be of a newer release than this one)
 * @param pending the migrations of this release the schema lacks, in version order
 */
public record SchemaStatus(String schema, int runtimeVersion, int schemaVersion, int oldestCompatibleRuntime,
    boolean runtimeWorks, String verdict, List<Migration> applied, List<Migration> pending) {

  /**
   * One migration.
   *
   * @param compatibleFrom the oldest runtime version that works with a schema that has it
   * @param appliedAt when it was applied; null while pending
   */
  public record Migration(int version, String name, int compatibleFrom, Instant appliedAt) {}
}
