package dev.spool.impl.stats;

import dev.spool.JobContext;
import dev.spool.SpoolStats;
import dev.spool.StuckRun;
import dev.spool.impl.trace.Tracing;
import dev.spool.spi.SpoolListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link SpoolStats}, and the {@link Recorder} Spool's services count through. */
public final class Stats implements SpoolStats {

  private final LongAdder claimed = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder dead = new LongAdder();
  private final LongAdder released = new LongAdder();
  private final LongAdder lateAcks = new LongAdder();
  private final LongAdder rescued = new LongAdder();
  private final LongAdder snoozed = new LongAdder();
  private final LongAdder softTimeouts = new LongAdder();
  private final LongAdder claimsFromFloors = new LongAdder();
  private final LongAdder headScans = new LongAdder();
  /** Stuck runs of every worker of this Spool, by their context (one object per run). */
  private final Map<JobContext, Stuck> stuck = new ConcurrentHashMap<>();

  /** What is known of a stuck run: who runs it, since when, and whether its job is held. */
  private record Stuck(JobContext job, String worker, long startedNanos, long limitNanos, boolean held) {}

  @Override
  public long claimed() {
    return claimed.sum();
  }

  @Override
  public long claimsFromFloors() {
    return claimsFromFloors.sum();
  }

  @Override
  public long headScans() {
    return headScans.sum();
  }

  @Override
  public long snoozed() {
    return snoozed.sum();
  }

  @Override
  public long completed() {
    return completed.sum();
  }

  @Override
  public long retried() {
    return retried.sum();
  }

  @Override
  public long dead() {
    return dead.sum();
  }

  @Override
  public long released() {
    return released.sum();
  }

  @Override
  public long lateAcks() {
    return lateAcks.sum();
  }

  @Override
  public long rescued() {
    return rescued.sum();
  }

  @Override
  public long softTimeouts() {
    return softTimeouts.sum();
  }

  @Override
  public long malformedTraceparents() {
    return Tracing.INSTANCE.malformed();
  }

  @Override
  public List<StuckRun> stuckRuns() {
    long now = System.nanoTime();
    List<StuckRun> out = new ArrayList<>(stuck.size());
    for (Stuck s : stuck.values()) {
      JobContext job = s.job();
      out.add(new StuckRun(job.id(), job.queue(), job.task(), job.attempt(), s.worker(),
          Duration.ofNanos(now - s.startedNanos()), Duration.ofNanos(now - s.limitNanos()), s.held()));
    }
    out.sort(Comparator.comparing(StuckRun::pastLimit).reversed());
    return out;
  }

  /** How many runs are stuck now. */
  public int stuckCount() {
    return stuck.size();
  }

  /** The hooks Spool's services count through; each event also goes to {@code listener}. */
  public Recorder recorder(SpoolListener listener) {
    return new Recorder(listener);
  }

  /** Write access for Spool's services. */
  public final class Recorder {
    private final SpoolListener listener;

    private Recorder(SpoolListener listener) {
      this.listener = listener == SpoolListener.NONE ? listener : new Guarded(listener);
    }

    public void claimed(String queue, int n) {
      claimed.add(n);
      listener.claimed(queue, n);
    }

    public void started(JobContext job) {
      listener.started(job, Math.max(0, System.currentTimeMillis() - job.runAt().toEpochMilli()));
    }

    public void finished(JobContext job, SpoolListener.Outcome outcome, long startedNanos, Throwable failure) {
      switch (outcome) {
        case COMPLETED -> completed.increment();
        case RETRIED -> retried.increment();
        case DEAD -> dead.increment();
        case SNOOZED -> snoozed.increment();
      }
      listener.finished(job, outcome, System.nanoTime() - startedNanos, failure);
    }

    public void released(int n) {
      released.add(n);
    }

    /** A plain claim went out from its queue's floors. */
    public void claimedFromFloors() {
      claimsFromFloors.increment();
    }

    /** A head scan of a queue landed. */
    public void headScanned() {
      headScans.increment();
    }

    public void lateAcks(long n) {
      if (n > 0) {
        lateAcks.add(n);
        listener.lateAcks(n);
      }
    }

    public void rescued(String queue, String state, int n) {
      rescued.add(n);
      listener.rescued(queue, state, n);
    }

    public void softTimeout(JobContext job) {
      softTimeouts.increment();
      listener.softTimeout(job);
    }

    /**
     * A run became stuck.
     *
     * @param startedNanos when its handler started ({@link System#nanoTime()})
     * @param limitNanos when its hard limit passed
     * @param held whether its worker keeps the job until the handler returns
     */
    public void stuck(JobContext job, String worker, long startedNanos, long limitNanos, boolean held) {
      stuck.put(job, new Stuck(job, worker, startedNanos, limitNanos, held));
      listener.stuck(job);
    }

    /** A stuck run ended (its handler returned, or its worker gave it up). */
    public void stuckEnded(JobContext job) {
      if (stuck.remove(job) != null) {
        listener.stuckEnded(job);
      }
    }
  }

  /**
   * A listener runs inside the worker's outcome path: one that throws must cost a log line, never a job.
   * The first failure is logged with its stack, later ones are counted.
   */
  private static final class Guarded implements SpoolListener {
    private static final System.Logger LOG = System.getLogger(Stats.class.getName());
    private final SpoolListener delegate;
    private final LongAdder failures = new LongAdder();

    Guarded(SpoolListener delegate) {
      this.delegate = delegate;
    }

    private void failed(RuntimeException e) {
      failures.increment();
      if (failures.sum() == 1) {
        LOG.log(System.Logger.Level.ERROR, "the SpoolListener " + delegate.getClass().getName()
            + " threw; its events are skipped where it does, jobs are not affected", e);
      }
    }

    @Override
    public void claimed(String queue, int count) {
      try {
        delegate.claimed(queue, count);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void started(JobContext job, long pickupLagMillis) {
      try {
        delegate.started(job, pickupLagMillis);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
      try {
        delegate.finished(job, outcome, durationNanos, failure);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void lateAcks(long count) {
      try {
        delegate.lateAcks(count);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void rescued(String queue, String state, int count) {
      try {
        delegate.rescued(queue, state, count);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void softTimeout(JobContext job) {
      try {
        delegate.softTimeout(job);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void stuck(JobContext job) {
      try {
        delegate.stuck(job);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void stuckEnded(JobContext job) {
      try {
        delegate.stuckEnded(job);
      } catch (RuntimeException e) {
        failed(e);
      }
    }
  }
}
