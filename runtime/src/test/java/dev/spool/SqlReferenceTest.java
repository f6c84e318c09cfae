package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/reference/sql.md}, generated from a migrated schema: the SQL functions an application may call
 * (their arguments with defaults, and every SQLSTATE they raise with its message), and the names of the
 * runtime's own. A function or argument added without regenerating fails here; {@code -Dspool.docs.write=true}
 * rewrites the page instead.
 */
class SqlReferenceTest extends SpoolTestBase {

  static final Path PAGE = Path.of("..", "docs", "reference", "sql.md");
  /** The functions applications call; the others are the runtime's and may change in any release. */
  static final Map<String, String> PUBLIC = new LinkedHashMap<>();
  /** {@code raise exception '<message>' ... errcode = '<state>'}, within one statement. */
  static final Pattern RAISE = Pattern.compile("raise exception '((?:[^']|'')*)'[^;]*?errcode\\s*=\\s*'(\\w{5})'",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  static {
    PUBLIC.put("enqueue", "Enqueues one job and returns its id; with a unique key already held by a pending or "
        + "running job, returns that job's id and adds nothing. A due job notifies its queue's workers.");
    PUBLIC.put("enqueue_workflow", "Enqueues the steps of a workflow in one statement (what `Workflow` and "
        + "`JdbcJobClient.enqueueWorkflow` send): parallel arrays, one element a step, with each step's parents "
        + "named by step; returns the workflow's id and the steps' ids.");
    PUBLIC.put("check_name", "Refuses a task name, queue or unique key Spool would refuse (empty, blank, over 200 "
        + "characters, control characters); `enqueue` calls it.");
  }

  @Test
  void theSqlReferenceListsEveryFunctionOfTheSchema() throws IOException {
    Map<String, Row> functions = new TreeMap<>();
    for (Row row : sql("select p.proname, pg_get_function_arguments(p.oid) as arguments, "
        + "pg_get_function_result(p.oid) as result, p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        + "where n.nspname = $1 order by p.proname", schema)) {
      functions.put(row.getString("proname"), row);
    }
    assertThat(functions).containsKeys(PUBLIC.keySet().toArray(new String[0]));
    String page = render(functions).replace(schema + ".", "spool.");
    if (Boolean.getBoolean("spool.docs.write")) {
      Files.writeString(PAGE, page);
    }
    assertThat(Files.exists(PAGE) ? Files.readString(PAGE) : "")
        .as("docs/reference/sql.md is stale: run `mvn -pl runtime -am verify -Dtest=SqlReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dspool.docs.write=true` and commit it")
        .isEqualTo(page);
  }

  static String render(Map<String, Row> functions) {
    StringBuilder out = new StringBuilder("""
        # SQL reference

        <!-- Generated from a migrated schema by SqlReferenceTest; do not edit by hand. -->

        The functions Spool defines in its schema (`spool` by default; `schema` in the configuration). Applications
        call the first ones, from any language ([enqueueing](../guides/enqueueing.md) has examples in SQL, Python,
        Node and Go); the rest are the runtime's own, listed so that a reader of `\\df spool.*` knows what they are,
        and may change in any release. Every refusal is an exception with a message starting `spool:` and the
        SQLSTATE below; PostgreSQL's own errors (a wrong argument type, say) keep theirs.

        """);
    for (Map.Entry<String, String> f : PUBLIC.entrySet()) {
      Row row = functions.get(f.getKey());
      out.append("## `spool.").append(f.getKey()).append("`\n\n").append(f.getValue()).append("\n\n")
          .append("Returns `").append(row.getString("result")).append("`.\n\n| argument | type and default |\n|---|---|\n");
      for (String argument : splitArguments(row.getString("arguments"))) {
        String[] parts = argument.trim().split(" ", 2);
        out.append("| `").append(parts[0]).append("` | `").append(parts.length > 1 ? parts[1] : "").append("` |\n");
      }
      List<String[]> raises = raises(row.getString("prosrc"));
      if (!raises.isEmpty()) {
        out.append("\n| SQLSTATE | refusal |\n|---|---|\n");
        for (String[] r : raises) {
          out.append("| `").append(r[1]).append("` | ").append(r[0].replace("''", "'").replace("|", "\\|")).append(" |\n");
        }
      }
      out.append('\n');
    }
    out.append("## The runtime's own\n\n");
    functions.keySet().stream().filter(name -> !PUBLIC.containsKey(name))
        .forEach(name -> out.append("- `spool.").append(name).append("`\n"));
    return out.toString();
  }

  /** The arguments of {@code pg_get_function_arguments}, split at the commas between them (not inside a default). */
  static List<String> splitArguments(String text) {
    List<String> out = new java.util.ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    StringBuilder current = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && (c == '(' || c == '[')) {
        depth++;
      } else if (!quoted && (c == ')' || c == ']')) {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        out.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    if (!current.isEmpty()) {
      out.add(current.toString());
    }
    return out;
  }

  static List<String[]> raises(String source) {
    List<String[]> out = new java.util.ArrayList<>();
    Matcher m = RAISE.matcher(source);
    while (m.find()) {
      out.add(new String[] {"`" + m.group(1).replace("`", "'") + "`", m.group(2)});
    }
    return out;
  }
}
