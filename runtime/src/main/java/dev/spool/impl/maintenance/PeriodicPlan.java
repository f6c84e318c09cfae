package dev.spool.impl.maintenance;

import dev.spool.PeriodicJob;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Which slots of a periodic job to enqueue now, given the last slot recorded in the database. Slots after
 * {@code onTimeFrom} (when this leader started scheduling, less a grace) are on time and always
 * enqueued, however late the tick; earlier ones were missed while no leader ran and follow the job's
 * catch-up policy, within its window. {@code advanceTo} is the last slot handled (enqueued or skipped),
 * null when nothing is due.
 */
public record PeriodicPlan(List<Instant> slots, Instant advanceTo) {

  public static final PeriodicPlan NOTHING = new PeriodicPlan(List.of(), null);

  /**
   * @param last the last slot recorded, null for a job never scheduled (nothing is caught up then)
   * @param now the present, truncated to milliseconds
   * @param firstTick true on this leader's first pass (for run-on-start)
   */
  public static PeriodicPlan of(PeriodicJob<?> job, Instant last, Instant now, Instant onTimeFrom, boolean firstTick) {
    Instant latestDue = job.slotBefore(now.plusMillis(1));
    boolean due = latestDue != null && (last == null || latestDue.isAfter(last));
    List<Instant> slots = new ArrayList<>();
    if (due) {
      // missed slots: in (max(last, now - window), onTimeFrom]
      if (last != null && last.isBefore(onTimeFrom) && job.catchUp() != PeriodicJob.CatchUp.NONE) {
        Instant windowStart = now.minus(job.catchUpWindow());
        Instant floor = last.isAfter(windowStart) ? last : windowStart;
        int max = job.catchUp() == PeriodicJob.CatchUp.LATEST ? 1 : job.maxCatchUp();
        Deque<Instant> missed = new ArrayDeque<>();
        for (Instant s = job.slotBefore(onTimeFrom.plusMillis(1)); s != null && s.isAfter(floor) && missed.size() < max;
            s = job.slotBefore(s)) {
          missed.addFirst(s);
        }
        slots.addAll(missed);
      }
      // on-time slots: in (max(last, onTimeFrom), now]
      Instant from = last != null && last.isAfter(onTimeFrom) ? last : onTimeFrom;
      Deque<Instant> onTime = new ArrayDeque<>();
      for (Instant s = job.nextSlot(from); s != null && !s.isAfter(now); s = job.nextSlot(s)) {
        onTime.addLast(s);
        if (onTime.size() > job.maxCatchUp()) {
          onTime.removeFirst();
        }
      }
      slots.addAll(onTime);
    }
    Instant advanceTo = due ? latestDue : null;
    if (firstTick && job.runOnStart() && slots.isEmpty()) {
      slots.add(now);
      advanceTo = advanceTo == null || now.isAfter(advanceTo) ? now : advanceTo;
    }
    return advanceTo == null ? NOTHING : new PeriodicPlan(List.copyOf(slots), advanceTo);
  }
}
