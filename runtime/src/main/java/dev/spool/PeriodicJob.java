package dev.spool;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A job enqueued on a schedule, declared in code and registered on every node with
 * {@link Spool.Builder#periodic}. The elected leader enqueues it once per slot (a time the schedule
 * fires), as a unique job keyed by name and slot, and records the slot in the database; a slot is never
 * enqueued twice, however many nodes run. The job's {@link JobContext#runAt()} is its slot time.
 *
 * <pre>{@code
 * PeriodicJob.cron("nightly-sync", "0 8 * * *", SYNC, new JsonObject())      // 08:00 UTC every day
 *     .catchUp(PeriodicJob.CatchUp.LATEST);
 * PeriodicJob.every("heartbeat-report", Duration.ofMinutes(5), REPORT, new JsonObject()).runOnStart(true);
 * }</pre>
 *
 * <p>Cron expressions have 5 fields (minute hour day-of-month month day-of-week, UNIX), 6 fields (a
 * leading second, as Spring's) or 7 (seconds and year, Quartz); they fire in UTC unless {@link #zone}
 * says otherwise. Fixed intervals fire at whole multiples of the interval since the epoch (UTC), so every
 * node agrees on the slots.
 *
 * <p>Slots that passed while no leader ran (all nodes down, or between a leader's death and the next
 * election) are caught up by the {@link CatchUp} policy, within {@link #catchUpWindow}.
 */
public final class PeriodicJob<A> {

  /** What happens to the slots missed while no leader ran. */
  public enum CatchUp {
    /** Missed slots are skipped; the schedule resumes with the next slot. */
    NONE,
    /** The most recent missed slot runs once, whatever the number missed. */
    LATEST,
    /** Every missed slot within the window runs (at most {@code maxCatchUp} of them, the latest). */
    ALL
  }

  /** The default of {@link #catchUp(CatchUp)}: the most recent missed slot runs once. */
  public static final CatchUp DEFAULT_CATCH_UP = CatchUp.LATEST;
  /** The default of {@link #catchUpWindow(Duration)}: slots missed more than a day ago are never caught up. */
  public static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofDays(1);
  /** The default of {@link #maxCatchUp(int)}. */
  public static final int DEFAULT_MAX_CATCH_UP = 1000;
  /** The shortest interval {@link #every} accepts. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  private final String name;
  private final String description;
  private Slots slots;
  private final Task<A> task;
  private final A args;
  private EnqueueOptions options = new EnqueueOptions();
  private CatchUp catchUp = DEFAULT_CATCH_UP;
  private Duration catchUpWindow = DEFAULT_CATCH_UP_WINDOW;
  private int maxCatchUp = DEFAULT_MAX_CATCH_UP;
  private boolean runOnStart;

  private PeriodicJob(String name, String description, Slots slots, Task<A> task, A args) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a periodic job's name must match " + NAME.pattern() + ", got: " + name);
    }
    this.name = name;
    this.description = description;
    this.slots = slots;
    this.task = Objects.requireNonNull(task, "task");
    this.args = args;
  }

  /**
   * Fires on a cron expression (5, 6 or 7 fields; see the class comment), in UTC.
   *
   * @param <A> the task's argument type
   * @param name the periodic job's name, unique among those of the Spool; part of each job's unique key
   * @param expression a cron expression of 5, 6 or 7 fields
   * @param task the task of the jobs
   * @param args the arguments of every job
   * @return the periodic job, to declare with {@link Spool.Builder#periodic}
   * @throws IllegalArgumentException for an expression that does not parse
   */
  public static <A> PeriodicJob<A> cron(String name, String expression, Task<A> task, A args) {
    return new PeriodicJob<>(name, "cron " + expression, new CronSlots(expression, ZoneOffset.UTC), task, args);
  }

  /**
   * Fires every {@code interval} (at least a second), at whole multiples of it since the epoch.
   *
   * @param <A> the task's argument type
   * @param name the periodic job's name, unique among those of the Spool; part of each job's unique key
   * @param interval the interval, at least {@link #MIN_INTERVAL}
   * @param task the task of the jobs
   * @param args the arguments of every job
   * @return the periodic job, to declare with {@link Spool.Builder#periodic}
   */
  public static <A> PeriodicJob<A> every(String name, Duration interval, Task<A> task, A args) {
    if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("a periodic job's interval must be at least " + MIN_INTERVAL + ", got " + interval);
    }
    return new PeriodicJob<>(name, "every " + interval, new IntervalSlots(interval.toMillis()), task, args);
  }

  /**
   * The time zone the cron expression fires in (cron schedules only; UTC by default).
   *
   * @param zone the time zone
   * @return this periodic job
   */
  public PeriodicJob<A> zone(ZoneId zone) {
    if (!(slots instanceof CronSlots cron)) {
      throw new IllegalStateException("only cron schedules have a time zone");
    }
    this.slots = new CronSlots(cron.expression, zone);
    return this;
  }

  /**
   * Queue, priority, max attempts and time limits of the jobs; unique key, run-at and delay are Spool's.
   *
   * @param options the jobs' options, copied
   * @return this periodic job
   */
  public PeriodicJob<A> options(EnqueueOptions options) {
    if (options.getUniqueKey() != null || options.getRunAt() != null || !options.getDelay().isZero()) {
      throw new IllegalArgumentException("a periodic job's slots set its unique key and run time");
    }
    options.validate();
    this.options = new EnqueueOptions(options);
    return this;
  }

  /**
   * What happens to the slots missed while no leader ran; {@link CatchUp#LATEST} by default.
   *
   * @param catchUp the policy, not null
   * @return this periodic job
   */
  public PeriodicJob<A> catchUp(CatchUp catchUp) {
    this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
    return this;
  }

  /**
   * Missed slots older than this are never caught up.
   *
   * @param window how far back missed slots are caught up
   * @return this periodic job
   */
  public PeriodicJob<A> catchUpWindow(Duration window) {
    if (window == null || window.isNegative()) {
      throw new IllegalArgumentException("catchUpWindow must be zero or positive, got " + window);
    }
    this.catchUpWindow = window;
    return this;
  }

  /**
   * The most slots {@link CatchUp#ALL} enqueues at once (the latest ones).
   *
   * @param maxCatchUp the most slots caught up at once
   * @return this periodic job
   */
  public PeriodicJob<A> maxCatchUp(int maxCatchUp) {
    if (maxCatchUp < 1) {
      throw new IllegalArgumentException("maxCatchUp must be at least 1, got " + maxCatchUp);
    }
    this.maxCatchUp = maxCatchUp;
    return this;
  }

  /**
   * Also enqueue one run whenever a leader starts scheduling, unless a slot was enqueued at that moment
   * anyway (useful for schedules that fire rarely).
   *
   * @param runOnStart true to enqueue a run when a leader starts scheduling
   * @return this periodic job
   */
  public PeriodicJob<A> runOnStart(boolean runOnStart) {
    this.runOnStart = runOnStart;
    return this;
  }

  /** {@return the periodic job's name} */
  public String name() {
    return name;
  }

  /** {@return the task of its jobs} */
  public Task<A> task() {
    return task;
  }

  /** {@return the arguments of every job} */
  public A args() {
    return args;
  }

  /** {@return a copy of the jobs' options} */
  public EnqueueOptions options() {
    return new EnqueueOptions(options);
  }

  /** {@return the catch-up policy} */
  public CatchUp catchUp() {
    return catchUp;
  }

  /** {@return how far back missed slots are caught up} */
  public Duration catchUpWindow() {
    return catchUpWindow;
  }

  /** {@return the most slots caught up at once} */
  public int maxCatchUp() {
    return maxCatchUp;
  }

  /** {@return true when a run is enqueued whenever a leader starts scheduling} */
  public boolean runOnStart() {
    return runOnStart;
  }

  /**
   * The first slot strictly after {@code t}, or null when the schedule never fires again.
   *
   * @param t an instant
   * @return the next slot, or null
   */
  public Instant nextSlot(Instant t) {
    return slots.after(t);
  }

  /**
   * The last slot strictly before {@code t}, or null.
   *
   * @param t an instant
   * @return the previous slot, or null
   */
  public Instant slotBefore(Instant t) {
    return slots.before(t);
  }

  /**
   * The unique key of the job of one slot: {@code periodic:<name>:<slot, ISO-8601 UTC>}.
   *
   * @param slot the slot's instant
   * @return the unique key
   */
  public String uniqueKey(Instant slot) {
    return "periodic:" + name + ":" + slot;
  }

  @Override
  public String toString() {
    return "periodic job " + name + " (" + description + ", task " + task.name() + ")";
  }

  private interface Slots {
    Instant after(Instant t);

    Instant before(Instant t);
  }

  private static final class IntervalSlots implements Slots {
    private final long ms;

    IntervalSlots(long ms) {
      this.ms = ms;
    }

    @Override
    public Instant after(Instant t) {
      return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms + ms);
    }

    @Override
    public Instant before(Instant t) {
      // the last multiple of ms strictly before t
      long floor = Math.floorDiv(t.toEpochMilli(), ms) * ms;
      boolean exact = floor == t.toEpochMilli() && t.getNano() % 1_000_000 == 0;
      return Instant.ofEpochMilli(exact ? floor - ms : floor);
    }
  }

  private static final class CronSlots implements Slots {
    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;

    CronSlots(String expression, ZoneId zone) {
      if (expression == null) {
        throw new IllegalArgumentException("a cron expression is required");
      }
      int fields = expression.trim().split("\\s+").length;
      CronType type = switch (fields) {
        case 5 -> CronType.UNIX;
        case 6 -> CronType.SPRING;
        case 7 -> CronType.QUARTZ;
        default -> throw new IllegalArgumentException("a cron expression has 5, 6 or 7 fields, got " + fields + ": "
            + expression);
      };
      Cron cron;
      try {
        cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(expression.trim()).validate();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad cron expression '" + expression + "': " + e.getMessage(), e);
      }
      this.expression = expression;
      this.zone = Objects.requireNonNull(zone, "zone");
      this.executionTime = ExecutionTime.forCron(cron);
    }

    // Cron slots fall on whole seconds; cron-utils keeps the sub-second part of its argument, so the
    // argument is rounded to a whole second first.
    @Override
    public Instant after(Instant t) {
      return executionTime.nextExecution(ZonedDateTime.ofInstant(t.truncatedTo(ChronoUnit.SECONDS), zone))
          .map(ZonedDateTime::toInstant).orElse(null);
    }

    @Override
    public Instant before(Instant t) {
      Instant whole = t.truncatedTo(ChronoUnit.SECONDS);
      Instant ceiling = whole.equals(t) ? t : whole.plusSeconds(1);
      return executionTime.lastExecution(ZonedDateTime.ofInstant(ceiling, zone))
          .map(ZonedDateTime::toInstant).orElse(null);
    }
  }
}
