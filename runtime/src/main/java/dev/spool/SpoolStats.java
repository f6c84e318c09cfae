package dev.spool;

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

  /** Jobs claimed from the database. */
  public long claimed() {
    return claimed.sum();
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

  /** The hooks Spool's services count through. */
  public Recorder recorder() {
    return new Recorder();
  }

  public JsonObject toJson() {
    return new JsonObject().put("claimed", claimed()).put("completed", completed()).put("retried", retried())
        .put("dead", dead()).put("released", released()).put("lateAcks", lateAcks()).put("rescued", rescued());
  }

  /** Write access for Spool's services; not for applications. */
  public final class Recorder {
    private Recorder() {}

    public void claimed(int n) {
      claimed.add(n);
    }

    public void completed() {
      completed.increment();
    }

    public void retried() {
      retried.increment();
    }

    public void dead() {
      dead.increment();
    }

    public void released(int n) {
      released.add(n);
    }

    public void lateAcks(long n) {
      if (n > 0) {
        lateAcks.add(n);
      }
    }

    public void rescued(int n) {
      rescued.add(n);
    }
  }
}
