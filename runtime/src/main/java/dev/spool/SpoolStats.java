package dev.spool;

import dev.spool.spi.SpoolListener;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of what this Spool's workers did since it was built, shared by all its worker
 * verticles. Cheap enough for the hot path (one striped add per event); read for tests, logs and metrics.
 */
public final class SpoolStats {

  final LongAdder claimed = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder retried = new LongAdder();
  final LongAdder dead = new LongAdder();
  final LongAdder released = new LongAdder();
  final LongAdder lateAcks = new LongAdder();
  final LongAdder rescued = new LongAdder();
  final LongAdder snoozed = new LongAdder();

  /** Jobs claimed from the database. */
  public long claimed() {
    return claimed.sum();
  }

  /** Runs whose handler snoozed its job ({@link Snooze}). */
  public long snoozed() {
    return snoozed.sum();
  }

  /** Runs that succeeded (outcomes decided; written shortly after). */
  public long completed() {
    return completed.sum();
  }

  /** Runs that failed and were re-deferred. */
  public long retried() {
    return retried.sum();
  }

  /** Runs after which the job went to {@code dead}. */
  public long dead() {
    return dead.sum();
  }

  /** Prefetched jobs handed back unstarted. */
  public long released() {
    return released.sum();
  }

  /**
   * Outcomes that changed nothing because the run was no longer the job's current one (rescued and
   * handed to another worker, or cancelled) — the acks that "cannot overwrite".
   */
  public long lateAcks() {
    return lateAcks.sum();
  }

  /** Jobs the rescuer (on this node, while leader) took back from dead workers or expired leases. */
  public long rescued() {
    return rescued.sum();
  }

  /** The hooks Spool's services count through; each event also goes to {@code listener}. */
  public Recorder recorder(SpoolListener listener) {
    return new Recorder(listener);
  }

  public JsonObject toJson() {
    return new JsonObject().put("claimed", claimed()).put("completed", completed()).put("retried", retried())
        .put("dead", dead()).put("released", released()).put("lateAcks", lateAcks()).put("rescued", rescued());
  }

  /** Write access for Spool's services; not for applications. */
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
    private static final System.Logger LOG = System.getLogger(SpoolStats.class.getName());
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
