package dev.spool.impl.sql;

import dev.spool.SpoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The named SQL of one Spool schema. Queries live in {@code dev/spool/sql/*.sql} as {@code -- name: X}
 * blocks; the placeholders {@code {schema}} and {@code {channel}} are filled in once, from a schema name
 * that has been checked to be a plain identifier, so no user text ever reaches the SQL.
 */
public final class Queries {

  private static final String[] FILES = {"migrate", "enqueue", "claim", "complete", "inspect", "maintenance", "cancel",
      "admin", "history", "scheduling", "dashboard", "workflow", "keyed", "explain", "connect", "horizon", "partitions"};
  /** The test kit's queries (spool-test), read only by the kit's {@code TestStore}: no runtime path holds them. */
  public static final String TESTING = "testing";
  private static final Pattern NAME_LINE = Pattern.compile("(?m)^-- name: *(\\w+) *$");

  private final String schema;
  private final Map<String, String> byName = new HashMap<>();

  public Queries(String schema) {
    this(schema, new String[0]);
  }

  /** The runtime's queries and those of {@code extraFiles} (such as {@link #TESTING}) in the same directory. */
  public Queries(String schema, String... extraFiles) {
    this.schema = SpoolOptions.checkSchemaName(schema);
    for (String file : FILES) {
      parse(file, fill(resource("dev/spool/sql/" + file + ".sql")));
    }
    for (String file : extraFiles) {
      parse(file, fill(resource("dev/spool/sql/" + file + ".sql")));
    }
  }

  public String schema() {
    return schema;
  }

  /** The channel that enqueues NOTIFY with the queue name as payload. */
  public String channel() {
    return schema + "_jobs";
  }

  /** The named query; throws when there is none, which is a bug in Spool, not in the caller. */
  public String get(String name) {
    String sql = byName.get(name);
    if (sql == null) {
      throw new IllegalStateException("no SQL named " + name);
    }
    return sql;
  }

  /** The channel that tells workers a running job was cancelled, with the job id as payload. */
  public String cancelChannel() {
    return schema + "_cancel";
  }

  /** The channel that announces finished awaited jobs, with their ids (comma-separated) as payload. */
  public String doneChannel() {
    return schema + "_done";
  }

  /** The channel that tells workers a job they may hold is now awaited, with the job id as payload. */
  public String awaitChannel() {
    return schema + "_await";
  }

  /**
   * The channel that tells workers the rescuer put jobs of a queue back at the head of the line, with
   * {@code <count>:<queue>} as payload (the plain channel is notified too, for workers that do not listen here).
   */
  public String rescueChannel() {
    return schema + "_rescued";
  }

  /** The functions the migrator defines after the migrations, in this order (later ones call earlier ones). */
  public static final java.util.List<String> FUNCTIONS = java.util.List.of("ClaimLimitedFunction",
      "ClaimKeyedWalkFunction", "ClaimKeyedFromFunction", "ClaimKeyedFunction",
      "ParentFailedFunction", "TellFunction", "SettleFunction", "RecountFunction", "AddParentsFunction",
      "EnqueueFunction", "EnqueueWorkflowFunction", "CompleteJobsFunction", "KillJobsFunction", "SweepFunction",
      "ReviveFunction");

  /** A whole SQL script (such as a migration) from the class path, placeholders filled in. */
  public String script(String path) {
    return fill(resource(path));
  }

  private String fill(String sql) {
    return sql.replace("{schema}", schema).replace("{channel}", channel()).replace("{cancel_channel}", cancelChannel())
        .replace("{done_channel}", doneChannel()).replace("{await_channel}", awaitChannel())
        .replace("{rescue_channel}", rescueChannel());
  }

  private void parse(String file, String text) {
    parseNamed(text).forEach((name, sql) -> {
      if (byName.putIfAbsent(name, sql) != null) {
        throw new IllegalStateException("SQL name " + name + " defined twice (" + file + ".sql)");
      }
    });
  }

  /**
   * Splits a file of {@code -- name: X} blocks into named statements, in file order. Comment lines are
   * dropped: the comments that introduce a query sit above its name line, inside the previous block.
   * Spool's own files and the load tester's use the same format.
   */
  public static Map<String, String> parseNamed(String text) {
    Map<String, String> named = new java.util.LinkedHashMap<>();
    var matcher = NAME_LINE.matcher(text);
    String name = null;
    int start = 0;
    while (matcher.find()) {
      if (name != null) {
        named.put(name, withoutComments(text.substring(start, matcher.start())));
      }
      name = matcher.group(1);
      start = matcher.end();
    }
    if (name != null) {
      named.put(name, withoutComments(text.substring(start)));
    }
    return named;
  }

  private static String withoutComments(String body) {
    StringBuilder sql = new StringBuilder();
    for (String line : body.strip().split("\n")) {
      if (!line.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    return sql.toString().strip();
  }

  /** Reads a class path resource as UTF-8; returns null when there is none. */
  public static String resourceOrNull(String path) {
    try (InputStream in = Queries.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String path) {
    String text = resourceOrNull(path);
    if (text == null) {
      throw new IllegalStateException("missing resource " + path);
    }
    return text;
  }
}
