package dev.spool.impl.maintenance;

import dev.spool.EnqueueOptions;
import dev.spool.PeriodicJob;
import dev.spool.impl.Service;
import dev.spool.impl.job.Payloads;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs on the leader only: enqueues the periodic jobs declared on the Spool, each slot once. A timer
 * fires at the next slot due; for each periodic job due, one transaction locks its row in
 * {@code periodic_jobs}, reads the last slot recorded, enqueues what {@link PeriodicPlan} says (slots
 * since the last one, missed ones by the job's catch-up policy) and records the new last slot. Because
 * the row is locked and the decision is taken on what it holds, two leaders at once (a handover) still
 * enqueue each slot once.
 */
public final class Scheduler implements Service {

  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

  /** How the scheduler runs. */
  public static final class Options {
    /** Slots up to this long before the leader started count as on time rather than missed. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
    /** The longest sleep between passes, so a clock that jumps is noticed. */
    public static final Duration DEFAULT_MAX_SLEEP = Duration.ofSeconds(30);
    /** The wait before a pass that failed (the database away) is tried again. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

    final Duration grace;
    final Duration maxSleep;
    final Duration retryDelay;

    public Options() {
      this(DEFAULT_GRACE, DEFAULT_MAX_SLEEP, DEFAULT_RETRY_DELAY);
    }

    public Options(Duration grace, Duration maxSleep, Duration retryDelay) {
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException("grace must be zero or positive, got " + grace);
      }
      if (maxSleep == null || maxSleep.toMillis() < 1 || retryDelay == null || retryDelay.toMillis() < 1) {
        throw new IllegalArgumentException("maxSleep and retryDelay must be at least 1 ms");
      }
      this.grace = grace;
      this.maxSleep = maxSleep;
      this.retryDelay = retryDelay;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final String lockSql;
  private final String enqueueSql;
  private final Clock clock;
  private final Options options;
  private final List<Entry> entries = new ArrayList<>();
  private Instant onTimeFrom;
  private long timer = -1;
  private boolean running;
  private boolean passing;
  private Future<Void> currentPass = Future.succeededFuture();

  public Scheduler(Vertx vertx, Pool pool, Queries queries, Clock clock, List<PeriodicJob<?>> jobs, int maxPayloadBytes,
      Options options) {
    this.vertx = vertx;
    this.pool = pool;
    this.lockSql = queries.get("LockPeriodicJob");
    this.enqueueSql = queries.get("EnqueuePeriodicSlots");
    this.clock = clock;
    this.options = options;
    for (PeriodicJob<?> job : jobs) {
      entries.add(new Entry(job, encode(job, maxPayloadBytes)));
    }
  }

  private static <A> byte[] encode(PeriodicJob<A> job, int maxPayloadBytes) {
    return Payloads.encode(job.task(), job.args(), maxPayloadBytes);
  }

  /** Starts scheduling (on becoming leader): slots before now, less the grace, count as missed. */
  @Override
  public Future<Void> start() {
    if (running || entries.isEmpty()) {
      return Future.succeededFuture();
    }
    running = true;
    onTimeFrom = now().minus(options.grace);
    entries.forEach(e -> {
      e.nextDue = null;
      e.firstTick = true;
    });
    return pass();
  }

  /** Stops scheduling (on stepping down); completes when a pass under way has finished its transaction. */
  @Override
  public Future<Void> stop() {
    running = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return currentPass;
  }

  /**
   * Runs a pass now rather than when its timer fires: for a clock that jumped ahead (the test kit's
   * {@code advance}), so the slots it passed are enqueued at once, as on-time slots of a leader that ran all
   * along. Completes when the pass has.
   */
  public Future<Void> passNow() {
    if (!running) {
      return Future.succeededFuture();
    }
    return currentPass.transform(ar -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      return pass();
    });
  }

  public boolean isRunning() {
    return running;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Handles every periodic job that is due, one after the other, then sleeps until the next slot. */
  private Future<Void> pass() {
    if (!running || passing) {
      return Future.succeededFuture();
    }
    passing = true;
    Instant now = now();
    Future<Void> chain = Future.succeededFuture();
    for (Entry entry : entries) {
      if (entry.nextDue == null || !entry.nextDue.isAfter(now)) {
        chain = chain.compose(v -> schedule(entry, now).otherwise(e -> {
          LOG.log(System.Logger.Level.WARNING, "could not schedule {0}: {1}", entry.job, e.toString());
          entry.nextDue = null;
          return null;
        }));
      }
    }
    currentPass = chain.onComplete(ar -> {
      passing = false;
      arm();
    });
    return currentPass;
  }

  private void arm() {
    if (!running) {
      return;
    }
    Instant now = now();
    long delay = options.maxSleep.toMillis();
    for (Entry entry : entries) {
      long until = entry.nextDue == null ? options.retryDelay.toMillis() : entry.nextDue.toEpochMilli() - now.toEpochMilli();
      delay = Math.min(delay, until);
    }
    timer = vertx.setTimer(Math.max(1, delay), t -> {
      timer = -1;
      pass();
    });
  }

  private Future<Void> schedule(Entry entry, Instant now) {
    PeriodicJob<?> job = entry.job;
    return pool.withTransaction(conn -> conn.preparedQuery(lockSql).execute(Tuple.of(job.name())).compose(rows -> {
      OffsetDateTime lastRow = rows.iterator().next().getOffsetDateTime(0);
      Instant last = lastRow == null ? null : lastRow.toInstant();
      PeriodicPlan plan = PeriodicPlan.of(job, last, now, onTimeFrom, entry.firstTick);
      Instant handled = plan.advanceTo() != null ? plan.advanceTo() : last;
      entry.nextDue = job.nextSlot(handled == null || handled.isBefore(now) ? now : handled);
      if (plan.advanceTo() == null) {
        return Future.<Void>succeededFuture();
      }
      int n = plan.slots().size();
      OffsetDateTime[] slots = new OffsetDateTime[n];
      String[] keys = new String[n];
      for (int i = 0; i < n; i++) {
        slots[i] = plan.slots().get(i).atOffset(ZoneOffset.UTC);
        keys[i] = job.uniqueKey(plan.slots().get(i));
      }
      EnqueueOptions o = job.options();
      Tuple params = Tuple.of(job.name(), slots, keys, plan.advanceTo().atOffset(ZoneOffset.UTC), o.getQueue(),
              job.task().name())
          .addValue(Buffer.buffer(entry.args))
          .addValue((short) o.getPriority())
          .addValue(o.getMaxAttempts())
          .addValue(o.getTimeout() == null ? null : (int) o.getTimeout().toMillis())
          .addValue(o.getSoftTimeout() == null ? null : (int) o.getSoftTimeout().toMillis());
      // Slots were missed when the one after the last handled came before this leader started (a last slot
      // merely older than the start is no sign: a daily job's last slot is yesterday's).
      Instant firstAfterLast = last == null ? null : job.nextSlot(last);
      boolean missed = firstAfterLast != null && !firstAfterLast.isAfter(onTimeFrom);
      return conn.preparedQuery(enqueueSql).execute(params).map(inserted -> {
        if (n > 1 || missed) {
          LOG.log(System.Logger.Level.INFO, "{0}: enqueued {1} slot(s) up to {2} ({3} catch-up after {4})",
              job, inserted.size(), plan.advanceTo(), job.catchUp(), last);
        }
        return (Void) null;
      });
    })).onSuccess(v -> entry.firstTick = false);
  }

  private static final class Entry {
    final PeriodicJob<?> job;
    final byte[] args;
    Instant nextDue;
    boolean firstTick = true;

    Entry(PeriodicJob<?> job, byte[] args) {
      this.job = job;
      this.args = args;
    }
  }
}
