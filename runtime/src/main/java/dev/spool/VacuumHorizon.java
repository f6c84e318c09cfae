package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What holds back vacuum ({@link JobAdmin#vacuumHorizon()}): the oldest holder of each kind, and the jobs
 * table's dead row versions. While any session keeps an old snapshot (a forgotten {@code BEGIN}, an analytics
 * query, a standby with {@code hot_standby_feedback}), vacuum can remove no row version that died after that
 * snapshot was taken: dead versions pile up in the jobs table and its indexes, and every claim walks their
 * index entries. See docs/operations/vacuum-horizon.md.
 *
 * @param holders       the oldest holder of each kind, the oldest (in transactions) first; empty when nothing
 *                      but this query holds a snapshot
 * @param jobsDead      dead row versions of the jobs table, from PostgreSQL's statistics (0 when it has none yet)
 * @param jobsLive      live rows of the jobs table, likewise
 * @param jobsVacuumedAt when a vacuum (Spool's or autovacuum) last finished on the jobs table, or null
 * @param at            the database's time the figures were read at
 */
public record VacuumHorizon(List<Holder> holders, long jobsDead, long jobsLive, Instant jobsVacuumedAt, Instant at) {

  /**
   * Copies {@code holders}, so the record stays as read.
   *
   * @param holders        the oldest holder of each kind
   * @param jobsDead       dead row versions of the jobs table
   * @param jobsLive       live rows of the jobs table
   * @param jobsVacuumedAt when a vacuum last finished on the jobs table, or null
   * @param at             the database's time the figures were read at
   */
  public VacuumHorizon {
    holders = List.copyOf(holders);
  }

  /** The kinds of holder. */
  public enum Kind {
    /** A session's snapshot or the transaction id of a transaction that wrote ({@code pg_stat_activity}). */
    SESSION("session"),
    /** A prepared transaction ({@code pg_prepared_xacts}), waiting for {@code COMMIT PREPARED}. */
    PREPARED_TRANSACTION("prepared transaction"),
    /** A replication slot's {@code xmin}: a standby with {@code hot_standby_feedback}, say. */
    REPLICATION_SLOT("replication slot"),
    /** A slot's {@code catalog_xmin} (logical decoding): holds back the system catalogs only, not the jobs table. */
    REPLICATION_SLOT_CATALOG("replication slot catalog");

    private final String sqlName;

    Kind(String sqlName) {
      this.sqlName = sqlName;
    }

    /** {@return the name horizon.sql reports, and the JSON's {@code kind}} */
    public String sqlName() {
      return sqlName;
    }

    /**
     * The kind of a name horizon.sql reports.
     *
     * @param name a {@link #sqlName()}
     * @return its kind
     * @throws IllegalArgumentException for a name no kind has
     */
    public static Kind fromSql(String name) {
      for (Kind k : values()) {
        if (k.sqlName.equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown horizon holder kind: " + name);
    }

    /** {@return whether it holds back the vacuum of ordinary tables such as the jobs table} */
    public boolean holdsJobs() {
      return this != REPLICATION_SLOT_CATALOG;
    }
  }

  /**
   * One holder of the horizon.
   *
   * @param kind       what holds it
   * @param pid        the backend holding it (a session's; a slot's WAL sender while active), or null
   * @param name       the session's {@code application_name}, the prepared transaction's gid or the slot's name
   * @param state      the session's state ({@code active}, {@code idle in transaction}, ...), {@code prepared},
   *                   or the slot's {@code active}/{@code inactive}
   * @param since      when its transaction began (a session) or was prepared; null for a slot
   * @param queryStart when the session's current or last statement began, or null
   * @param query      the first 120 characters of that statement, or null
   * @param xidAge     how many transaction ids old the horizon it holds is
   * @param age        {@code at} minus {@code since}: how long it has held the horizon at most; null for a slot
   */
  public record Holder(Kind kind, Integer pid, String name, String state, Instant since, Instant queryStart,
      String query, long xidAge, Duration age) {

    /** {@return the holder for people: what it is, how old, and what it runs} */
    public String describe() {
      StringBuilder out = new StringBuilder(kind.sqlName());
      if (pid != null) {
        out.append(" pid ").append(pid);
      }
      if (name != null && !name.isEmpty()) {
        out.append(kind == Kind.SESSION ? " (application " : " (").append(name).append(')');
      }
      if (state != null) {
        out.append(", ").append(state);
      }
      if (since != null) {
        out.append(", its transaction open since ").append(since);
      }
      if (query != null && !query.isEmpty()) {
        out.append(", statement \"").append(query.replaceAll("\\s+", " ").strip()).append('"');
      }
      return out.toString();
    }

    /** {@return the holder as JSON (snake_case keys, times as ISO-8601 text)} */
    public JsonObject toJson() {
      return new JsonObject().put("kind", kind.sqlName()).put("pid", pid).put("name", name).put("state", state)
          .put("since", text(since)).put("query_start", text(queryStart)).put("query", query).put("xid_age", xidAge)
          .put("age_seconds", age == null ? null : seconds(age));
    }
  }

  /** {@return the holder of the oldest horizon of the ordinary tables (the jobs table's), if any} */
  public Optional<Holder> oldest() {
    return holders.stream().filter(h -> h.kind().holdsJobs()).findFirst();
  }

  /**
   * The holder with the greatest known age (a session or a prepared transaction; a slot's age is not known
   * in time), if any: what the age metric, the alert and {@code /ready} measure.
   *
   * @return that holder, or empty
   */
  public Optional<Holder> oldestTimed() {
    return holders.stream().filter(h -> h.age() != null)
        .max((a, b) -> a.age().compareTo(b.age()));
  }

  /**
   * Whether the horizon has demonstrably kept vacuum from cleaning the jobs table: the oldest holder's
   * transaction began before the table's last vacuum (so that vacuum had to leave every version that died
   * since), and at least {@code minDeadRows} dead versions remain. Then claims walk their index entries. A
   * slot's horizon has no time to compare, so only sessions and prepared transactions are named here.
   *
   * @param minDeadRows the dead versions below which claims are not counted as slowed
   * @return the holder that slows them, or empty
   */
  public Optional<Holder> slowingClaims(long minDeadRows) {
    if (jobsDead < minDeadRows || jobsVacuumedAt == null) {
      return Optional.empty();
    }
    return holders.stream().filter(h -> h.kind().holdsJobs() && h.since() != null && h.since().isBefore(jobsVacuumedAt))
        .findFirst();
  }

  /** {@return the figures as JSON: {@code holders}, {@code jobs_dead}, {@code jobs_live}, {@code jobs_vacuumed_at}, {@code at}} */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    holders.forEach(h -> list.add(h.toJson()));
    return new JsonObject().put("holders", list).put("jobs_dead", jobsDead).put("jobs_live", jobsLive)
        .put("jobs_vacuumed_at", text(jobsVacuumedAt)).put("at", text(at));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static double seconds(Duration d) {
    return Math.round(d.toMillis() / 100.0) / 10.0;
  }
}
