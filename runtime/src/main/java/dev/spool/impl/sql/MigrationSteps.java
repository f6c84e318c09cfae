package dev.spool.impl.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration script cut in two: the statements that run in the migration's transaction, and those that
 * PostgreSQL runs only outside a transaction block ({@code create index concurrently}, {@code drop index
 * concurrently}). A concurrent index build holds SHARE UPDATE EXCLUSIVE on its table, which no insert, update or
 * delete waits for, where a plain build holds SHARE and stops every enqueue and claim for as long as it scans the
 * table. The migrator runs the second part after the first has committed, each statement on its own, in the
 * order the script has them.
 *
 * <p>Every such statement names its index, so a retry can tell a finished build (left as it is) from one a
 * failure or a cancel left invalid (dropped and built again), whatever {@code if not exists} says.
 */
final class MigrationSteps {

  private static final String NAME = "(?:\"[^\"]+\"|[\\w$]+)";
  private static final Pattern OUTSIDE = Pattern.compile("^(?:create (?:unique )?index concurrently|drop index concurrently"
      + "|reindex .*\\bconcurrently\\b)");
  private static final Pattern CREATE = Pattern.compile(
      "^create (?:unique )?index concurrently (?:if not exists )?(?:" + NAME + "\\.)?(" + NAME + ") on ");
  private static final Pattern CONCURRENTLY = Pattern.compile("(?i)\\b(index\\s+)concurrently\\s+");

  private MigrationSteps() {}

  /**
   * One statement to run outside the transaction.
   *
   * @param sql the statement as the script has it
   * @param index the index a concurrent build creates (unquoted), or null for another statement
   */
  record Outside(String sql, String index) {}

  /**
   * A script's two parts.
   *
   * @param transactional the statements run in the migration's transaction, as one script ("" when none)
   * @param outside those run after it commits, in order
   */
  record Parts(String transactional, List<Outside> outside) {

    /** The whole migration in its transaction, {@code concurrently} dropped: for a table that is new or empty. */
    String allInTransaction() {
      StringBuilder all = new StringBuilder(transactional);
      for (Outside step : outside) {
        all.append(CONCURRENTLY.matcher(step.sql()).replaceFirst("$1")).append(";\n");
      }
      return all.toString();
    }
  }

  /** Cuts {@code script}; fails on a concurrent build without an index name (a retry could not find it). */
  static Parts of(String script) {
    StringBuilder transactional = new StringBuilder();
    List<Outside> outside = new ArrayList<>();
    for (String statement : SqlStatements.split(script)) {
      String normalized = SqlStatements.normalized(statement);
      if (!isOutside(normalized)) {
        transactional.append(statement).append(";\n");
        continue;
      }
      String index = null;
      if (normalized.startsWith("create")) {
        Matcher m = CREATE.matcher(normalized);
        if (!m.find()) {
          throw new IllegalStateException("a concurrent index build must name its index, so that a retry finds what "
              + "a failed build left: " + normalized);
        }
        index = m.group(1).replace("\"", "");
      }
      outside.add(new Outside(statement, index));
    }
    return new Parts(transactional.toString(), List.copyOf(outside));
  }

  /** Whether a statement (as {@link SqlStatements#normalized} gives it) cannot run in a transaction block. */
  static boolean isOutside(String normalized) {
    return OUTSIDE.matcher(normalized).find();
  }
}
