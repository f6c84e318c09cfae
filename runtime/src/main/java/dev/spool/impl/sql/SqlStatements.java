package dev.spool.impl.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into its statements at the semicolons between them: not those inside quotes,
 * quoted identifiers, dollar-quoted bodies ({@code $$ ... $$}, {@code $fn$ ... $fn$}) or comments. Comment
 * lines are kept with the statement they precede; a piece of comments alone is dropped.
 */
final class SqlStatements {

  private SqlStatements() {}

  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      int end;
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        end = script.indexOf('\n', i);
        end = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        end = script.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (c == '\'' || c == '"') {
        end = closing(script, i + 1, c);
      } else if (c == '$' && dollarTag(script, i) != null) {
        String tag = dollarTag(script, i);
        end = script.indexOf(tag, i + tag.length());
        end = end < 0 ? n : end + tag.length();
      } else if (c == ';') {
        add(statements, current);
        current.setLength(0);
        i++;
        continue;
      } else {
        end = i + 1;
      }
      current.append(script, i, end);
      i = end;
    }
    add(statements, current);
    return statements;
  }

  /** The statement without its comments, on one line, lower case: what classification reads. */
  static String normalized(String statement) {
    StringBuilder out = new StringBuilder();
    for (String line : statement.split("\n")) {
      int comment = line.indexOf("--");
      out.append(comment >= 0 ? line.substring(0, comment) : line).append(' ');
    }
    return out.toString().replaceAll("\\s+", " ").strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static void add(List<String> statements, StringBuilder current) {
    String statement = current.toString().strip();
    if (!normalized(statement).isEmpty()) {
      statements.add(statement);
    }
  }

  /** The end of a quoted string or identifier starting after its opening quote (a doubled quote escapes). */
  private static int closing(String script, int from, char quote) {
    int i = from;
    while (i < script.length()) {
      if (script.charAt(i) == quote) {
        if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return script.length();
  }

  /** The dollar-quote tag opening at {@code i} ({@code $$} or {@code $name$}), or null when there is none. */
  private static String dollarTag(String script, int i) {
    int j = i + 1;
    while (j < script.length() && (Character.isLetterOrDigit(script.charAt(j)) || script.charAt(j) == '_')) {
      j++;
    }
    if (j < script.length() && script.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(script.charAt(i + 1)))) {
      return script.substring(i, j + 1);
    }
    return null;
  }
}
