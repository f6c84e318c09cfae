package dev.spool.impl.sql;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table lock a migration statement takes, and the work it does under it, read from the statement's
 * text as PostgreSQL 15's documentation of each command states them ({@code ALTER TABLE} subforms included).
 * What it cannot read it says so ({@link Mode#UNKNOWN}) rather than guess.
 */
final class StatementLocks {

  private StatementLocks() {}

  /** PostgreSQL's table lock modes, weakest first, and what each holds up of Spool's own work. */
  enum Mode {
    NONE("none", "nothing (a new object, or the catalog only)"),
    ACCESS_SHARE("ACCESS SHARE", "only ACCESS EXCLUSIVE locks"),
    ROW_SHARE("ROW SHARE", "only EXCLUSIVE and ACCESS EXCLUSIVE locks"),
    ROW_EXCLUSIVE("ROW EXCLUSIVE", "no enqueue or claim (the rows it changes stay locked until commit)"),
    SHARE_UPDATE_EXCLUSIVE("SHARE UPDATE EXCLUSIVE", "no enqueue or claim (only vacuum and other schema changes)"),
    SHARE("SHARE", "writes: enqueue, claim and ack wait; reads go on"),
    SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE", "writes: enqueue, claim and ack wait; reads go on"),
    EXCLUSIVE("EXCLUSIVE", "writes: enqueue, claim and ack wait; reads go on"),
    ACCESS_EXCLUSIVE("ACCESS EXCLUSIVE", "everything: reads, enqueue, claim and ack wait"),
    UNKNOWN("not derived", "as the statements inside it lock: read it");

    final String sql;
    final String blocks;

    Mode(String sql, String blocks) {
      this.sql = sql;
      this.blocks = blocks;
    }
  }

  /**
   * What a statement does to its table once it holds the lock, lightest first; each has its own rate. A concurrent
   * index build reads the table twice and waits for the transactions older than each pass, outside the
   * migration's transaction.
   */
  enum Work { CATALOG, SCAN, INDEX_BUILD, CONCURRENT_INDEX_BUILD, REWRITE, ROWS }

  /** A statement's lock on {@code table} (null when it names none) and its work there. */
  record Lock(Mode mode, String table, Work work) {
    Lock max(Lock other) {
      return new Lock(mode.compareTo(other.mode) >= 0 ? mode : other.mode, table,
          work.compareTo(other.work) >= 0 ? work : other.work);
    }
  }

  private static final String NAME = "((?:\"[^\"]+\"|[\\w$]+)(?:\\.(?:\"[^\"]+\"|[\\w$]+))?)";
  private static final Pattern CREATE_INDEX = Pattern.compile(
      "^create (?:unique )?index (concurrently )?(?:if not exists )?(?:\\S+ )?on (?:only )?" + NAME);
  private static final Pattern DROP_INDEX = Pattern.compile("^drop index (concurrently )?(?:if exists )?" + NAME);
  private static final Pattern ALTER_TABLE = Pattern.compile("^alter table (?:if exists )?(?:only )?" + NAME + " (.*)$");
  private static final Pattern CREATE_TABLE = Pattern.compile("^create (?:unlogged )?table ");
  private static final Pattern REFERENCES = Pattern.compile("references " + NAME);
  private static final Pattern DROP_TABLE = Pattern.compile("^drop table (?:if exists )?" + NAME);
  private static final Pattern TRIGGER = Pattern.compile("^(create|drop) (?:or replace )?(?:constraint )?trigger .* on " + NAME);
  private static final Pattern WRITE = Pattern.compile("^(?:update (?:only )?|delete from (?:only )?|insert into )" + NAME);
  private static final Pattern LOCK = Pattern.compile(
      "^lock (?:table )?(?:only )?" + NAME + "(?: in (access share|row share|row exclusive|share update exclusive|share"
          + "|share row exclusive|exclusive|access exclusive) mode)?");
  private static final Pattern MAINTAIN = Pattern.compile("^(?:vacuum|analyze)\\b.*?" + NAME + "$");
  private static final Pattern CATALOG_ONLY = Pattern.compile("^(?:create (?:or replace )?(?:function|procedure|type|schema"
      + "|sequence|extension|view)|drop (?:function|procedure|type|sequence|view)|alter (?:type|function|sequence)"
      + "|comment on|grant|revoke|select set_config)\\b");
  private static final Pattern VOLATILE_DEFAULT = Pattern.compile(
      "default [^,]*\\b(?:random|clock_timestamp|gen_random_uuid|uuid_generate_v4|nextval|timeofday)\\s*\\("
          + "|\\b(?:big|small)?serial\\b|generated (?:always|by default) as (?:identity|\\()");

  /** The lock and work of one statement (as {@link SqlStatements#normalized} gives it). */
  static Lock of(String statement) {
    String s = statement;
    Matcher m;
    if ((m = CREATE_INDEX.matcher(s)).find()) {
      return m.group(1) != null ? new Lock(Mode.SHARE_UPDATE_EXCLUSIVE, m.group(2), Work.CONCURRENT_INDEX_BUILD)
          : new Lock(Mode.SHARE, m.group(2), Work.INDEX_BUILD);
    }
    if ((m = DROP_INDEX.matcher(s)).find()) {
      // the lock is on the index's table, which the statement does not name
      return new Lock(m.group(1) != null ? Mode.SHARE_UPDATE_EXCLUSIVE : Mode.ACCESS_EXCLUSIVE, m.group(2), Work.CATALOG);
    }
    if ((m = ALTER_TABLE.matcher(s)).find()) {
      return alterTable(m.group(1), m.group(2));
    }
    if (CREATE_TABLE.matcher(s).find()) {
      Matcher ref = REFERENCES.matcher(s);
      return ref.find() ? new Lock(Mode.SHARE_ROW_EXCLUSIVE, ref.group(1), Work.CATALOG)
          : new Lock(Mode.NONE, null, Work.CATALOG);
    }
    if ((m = DROP_TABLE.matcher(s)).find()) {
      return new Lock(Mode.ACCESS_EXCLUSIVE, m.group(1), Work.CATALOG);
    }
    if ((m = TRIGGER.matcher(s)).find()) {
      return new Lock(m.group(1).equals("create") ? Mode.SHARE_ROW_EXCLUSIVE : Mode.ACCESS_EXCLUSIVE, m.group(2),
          Work.CATALOG);
    }
    if ((m = WRITE.matcher(s)).find()) {
      boolean fewRows = s.startsWith("insert") && s.contains(" values ");
      return new Lock(Mode.ROW_EXCLUSIVE, m.group(1), fewRows ? Work.CATALOG : Work.ROWS);
    }
    if ((m = LOCK.matcher(s)).find()) {
      String mode = m.group(2) == null ? "access exclusive" : m.group(2);
      return new Lock(Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT).replace(' ', '_')), m.group(1),
          Work.CATALOG);
    }
    if ((m = MAINTAIN.matcher(s)).find()) {
      return new Lock(s.contains("full") ? Mode.ACCESS_EXCLUSIVE : Mode.SHARE_UPDATE_EXCLUSIVE, m.group(1),
          s.contains("full") ? Work.REWRITE : Work.SCAN);
    }
    if (CATALOG_ONLY.matcher(s).find()) {
      return new Lock(Mode.NONE, null, Work.CATALOG);
    }
    return new Lock(Mode.UNKNOWN, null, Work.CATALOG);
  }

  /** ALTER TABLE takes the strongest lock any of its actions needs; the work is the heaviest of theirs. */
  private static Lock alterTable(String table, String actions) {
    Lock lock = null;
    for (String action : topLevel(actions)) {
      Lock one = alterAction(table, action.strip());
      lock = lock == null ? one : lock.max(one);
    }
    return lock;
  }

  private static Lock alterAction(String table, String a) {
    if (a.startsWith("set (") || a.startsWith("reset (")) {
      return new Lock(Mode.SHARE_UPDATE_EXCLUSIVE, table, Work.CATALOG); // fillfactor, autovacuum_*, toast.*
    }
    if (a.startsWith("validate constraint")) {
      return new Lock(Mode.SHARE_UPDATE_EXCLUSIVE, table, Work.SCAN);
    }
    if (a.matches("(?:alter (?:column )?\\S+ )?set statistics.*") || a.startsWith("cluster on")
        || a.startsWith("set without cluster")) {
      return new Lock(Mode.SHARE_UPDATE_EXCLUSIVE, table, Work.CATALOG);
    }
    if (a.matches("(?:enable|disable) (?:always |replica )?trigger.*")) {
      return new Lock(Mode.SHARE_ROW_EXCLUSIVE, table, Work.CATALOG);
    }
    if (a.startsWith("add") && (a.contains("foreign key") || a.contains(" references "))) {
      return new Lock(Mode.SHARE_ROW_EXCLUSIVE, table, a.contains("not valid") ? Work.CATALOG : Work.SCAN);
    }
    if (a.startsWith("add constraint") || a.startsWith("add check") || a.startsWith("add primary key")
        || a.startsWith("add unique")) {
      boolean index = (a.contains("primary key") || a.contains("unique")) && !a.contains("using index");
      return new Lock(Mode.ACCESS_EXCLUSIVE, table,
          index ? Work.INDEX_BUILD : a.contains("not valid") ? Work.CATALOG : Work.SCAN);
    }
    if (a.startsWith("add")) {
      return new Lock(Mode.ACCESS_EXCLUSIVE, table, VOLATILE_DEFAULT.matcher(a).find() ? Work.REWRITE : Work.CATALOG);
    }
    if (a.matches("alter (?:column )?\\S+ (?:set data )?type .*") || a.matches("set (?:logged|unlogged|tablespace|access method).*")) {
      return new Lock(Mode.ACCESS_EXCLUSIVE, table, Work.REWRITE);
    }
    if (a.matches("alter (?:column )?\\S+ set not null.*")) {
      return new Lock(Mode.ACCESS_EXCLUSIVE, table, Work.SCAN);
    }
    return new Lock(Mode.ACCESS_EXCLUSIVE, table, Work.CATALOG);
  }

  /** The comma-separated actions of an ALTER TABLE, not splitting inside parentheses or quotes. */
  private static List<String> topLevel(String actions) {
    List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < actions.length(); i++) {
      char c = actions.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        parts.add(actions.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(actions.substring(start));
    return parts;
  }
}
