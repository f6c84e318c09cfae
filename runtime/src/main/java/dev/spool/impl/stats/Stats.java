package dev.spool.impl.stats;

import dev.spool.JobContext;
import dev.spool.SpoolStats;
import dev.spool.spi.SpoolListener;
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

  @Override
  public long claimed() {
    return claimed.sum();
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
  }
}
