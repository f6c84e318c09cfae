package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How the elected leader keeps the jobs table free of dead rows. Every claim, ack and retry leaves a dead
 * row version behind; until a vacuum removes them, each claim walks their index entries and the table
 * grows. Autovacuum wakes once a minute at best (and is off on some servers): at 5,000 jobs a second that
 * is 900,000 dead versions between two passes, enough to triple pickup latency. So the leader reads the
 * table's dead-row count from PostgreSQL's statistics and runs {@code VACUUM (SKIP_LOCKED)} on the jobs
 * table when it passes both thresholds. Vacuum takes no lock that blocks claims, acks or enqueues.
 *
 * <ul>
 *   <li>{@code enabled}: on by default; off leaves the table to autovacuum.
 *   <li>{@code checkInterval}: how often the leader looks while its node works (2 s);
 *       {@code idleCheckInterval} while it does not (30 s), so an idle cluster costs next to nothing.
 *   <li>{@code minDeadRows} and {@code deadFraction}: vacuum when dead rows are at least this many and at
 *       least this fraction of the live ones (20,000 and 0.2).
 * </ul>
 * Vacuum needs the table's owner (or a member of the owning role); for any other role the leader logs
 * once and leaves the table to autovacuum.
 */
public class VacuumOptions {

  /** The default of {@link #setEnabled}. */
  public static final boolean DEFAULT_ENABLED = true;
  /** The default of {@link #setCheckInterval}. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(2);
  /** The default of {@link #setIdleCheckInterval}. */
  public static final Duration DEFAULT_IDLE_CHECK_INTERVAL = Duration.ofSeconds(30);
  /** The default of {@link #setMinDeadRows}. */
  public static final long DEFAULT_MIN_DEAD_ROWS = 20_000;
  /** The default of {@link #setDeadFraction}. */
  public static final double DEFAULT_DEAD_FRACTION = 0.2;

  private boolean enabled = DEFAULT_ENABLED;
  private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
  private Duration idleCheckInterval = DEFAULT_IDLE_CHECK_INTERVAL;
  private long minDeadRows = DEFAULT_MIN_DEAD_ROWS;
  private double deadFraction = DEFAULT_DEAD_FRACTION;

  /** Options with every setting at its default. */
  public VacuumOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public VacuumOptions(VacuumOptions other) {
    this.enabled = other.enabled;
    this.checkInterval = other.checkInterval;
    this.idleCheckInterval = other.idleCheckInterval;
    this.minDeadRows = other.minDeadRows;
    this.deadFraction = other.deadFraction;
  }

  /**
   * Reads {@code enabled, checkIntervalMs, idleCheckIntervalMs, minDeadRows, deadFraction}.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public VacuumOptions(JsonObject json) {
    setEnabled(json.getBoolean("enabled", DEFAULT_ENABLED));
    setCheckInterval(Duration.ofMillis(json.getLong("checkIntervalMs", DEFAULT_CHECK_INTERVAL.toMillis())));
    setIdleCheckInterval(Duration.ofMillis(json.getLong("idleCheckIntervalMs", DEFAULT_IDLE_CHECK_INTERVAL.toMillis())));
    setMinDeadRows(json.getLong("minDeadRows", DEFAULT_MIN_DEAD_ROWS));
    setDeadFraction(json.getDouble("deadFraction", DEFAULT_DEAD_FRACTION));
  }

  /** {@return these options as JSON, which {@link #VacuumOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("checkIntervalMs", checkInterval.toMillis())
        .put("idleCheckIntervalMs", idleCheckInterval.toMillis()).put("minDeadRows", minDeadRows)
        .put("deadFraction", deadFraction);
  }

  /** {@return the {@code enabled} setting} See {@link #setEnabled}. */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Whether the leader vacuums the jobs table itself; on by default, off leaves the table to autovacuum.
   *
   * @param enabled false to leave vacuuming to autovacuum
   * @return these options
   */
  public VacuumOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** {@return the {@code checkInterval} setting} See {@link #setCheckInterval}. */
  public Duration getCheckInterval() {
    return checkInterval;
  }

  /**
   * How often the leader reads the dead-row count while its node works (2 s by default).
   *
   * @param checkInterval a positive interval
   * @return these options
   */
  public VacuumOptions setCheckInterval(Duration checkInterval) {
    this.checkInterval = positive("checkInterval", checkInterval);
    return this;
  }

  /** {@return the {@code idleCheckInterval} setting} See {@link #setIdleCheckInterval}. */
  public Duration getIdleCheckInterval() {
    return idleCheckInterval;
  }

  /**
   * How often the leader reads the dead-row count while its node is idle (30 s by default).
   *
   * @param idleCheckInterval a positive interval
   * @return these options
   */
  public VacuumOptions setIdleCheckInterval(Duration idleCheckInterval) {
    this.idleCheckInterval = positive("idleCheckInterval", idleCheckInterval);
    return this;
  }

  /** {@return the {@code minDeadRows} setting} See {@link #setMinDeadRows}. */
  public long getMinDeadRows() {
    return minDeadRows;
  }

  /**
   * The fewest dead rows that trigger a vacuum (20,000 by default); {@link #setDeadFraction} must hold too.
   *
   * @param minDeadRows zero or more rows
   * @return these options
   */
  public VacuumOptions setMinDeadRows(long minDeadRows) {
    if (minDeadRows < 0) {
      throw new IllegalArgumentException("minDeadRows must be zero or more, got " + minDeadRows);
    }
    this.minDeadRows = minDeadRows;
    return this;
  }

  /** {@return the {@code deadFraction} setting} See {@link #setDeadFraction}. */
  public double getDeadFraction() {
    return deadFraction;
  }

  /**
   * The smallest ratio of dead rows to live ones that triggers a vacuum (0.2 by default); {@link #setMinDeadRows}
   * must hold too.
   *
   * @param deadFraction zero or more
   * @return these options
   */
  public VacuumOptions setDeadFraction(double deadFraction) {
    if (!(deadFraction >= 0)) {
      throw new IllegalArgumentException("deadFraction must be zero or more, got " + deadFraction);
    }
    this.deadFraction = deadFraction;
    return this;
  }

  private static Duration positive(String name, Duration value) {
    if (value == null || value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, got " + value);
    }
    return value;
  }
}
