package dev.spool;

import java.time.Duration;
import java.util.List;

/**
 * What {@code migrate} would do ({@link Spool#migrationPlan()}, {@code spool migrate --dry-run}): each pending
 * migration's SQL, statement by statement, with the table lock the statement takes (read from its text as
 * PostgreSQL documents each command), what that lock holds up, and an estimate of how long the statement
 * holds it on the tables as they are now (their size from {@code pg_relation_size}, their rows as the planner
 * estimates them in {@code pg_class.reltuples}), at the rates {@link #basis()} states. Catalog-only
 * statements take milliseconds once their lock is granted; waiting for the lock is bounded by
 * {@link MigrateOptions#getLockTimeout()}.
 *
 * @param basis the rates the estimates use, in words
 */
public record MigrationPlan(String schema, int fromVersion, int toVersion, List<Step> steps, String basis) {

  /**
   * The sum of the steps' estimates.
   *
   * @return the estimated duration
   */
  public Duration estimate() {
    return steps.stream().map(Step::estimate).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * One pending migration.
   *
   * @param sql the script as it would run (the schema name filled in)
   * @param lock the strongest lock among its statements'
   */
  public record Step(int version, String name, int compatibleFrom, String sql, String lock, List<Statement> statements) {

    /**
     * The sum of its statements' estimates.
     *
     * @return the estimated duration
     */
    public Duration estimate() {
      return statements.stream().map(Statement::estimate).reduce(Duration.ZERO, Duration::plus);
    }
  }

  /**
   * One statement of a step.
   *
   * @param table the table it locks (as written; null when it names none)
   * @param lock PostgreSQL's name of the lock mode, "none", or "not derived" (a DO block, say: read it)
   * @param blocks what of Spool's work waits while it holds the lock
   * @param work what it does under the lock: catalog, scan, index build, concurrent index build (after the
   *     migration's transaction, on its own), rewrite or rows
   * @param rows the table's rows as estimated now (-1 when never analyzed; 0 for a table not yet created)
   * @param bytes the table's size now
   */
  public record Statement(String sql, String table, String lock, String blocks, String work, long rows, long bytes,
      Duration estimate) {}
}
