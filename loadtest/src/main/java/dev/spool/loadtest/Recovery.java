package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.Spool;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The recovery of one fault (a kill, a partition, a freeze) of one worker process, in three steps timed
 * from the fault: detection (the rescuer reaped the worker's rows: its heartbeat expiry was seen),
 * rescue (none of the jobs it held is its own any more) and claim (the last of them started again on a
 * survivor). The first two are polled while the run goes on; the last is read from the run log at the end. A
 * start whose handler could not record it (the database was restarting) counts as a start: the job was
 * claimed and started again; that its run then failed and waits for its retry is reported beside it.
 */
final class Recovery {

  final String fault;
  final String nodeId;
  final boolean leader;
  final OffsetDateTime at;
  final Long[] held;
  private OffsetDateTime detectedAt;
  private OffsetDateTime rescuedAt;
  private double recoveredSeconds;
  private double recordedSeconds;
  private long failedInOutage;
  private long neverRerun;
  private long ackedAtFault;
  private long startedBeforeFault;

  Recovery(String fault, String nodeId, boolean leader, OffsetDateTime at, Long[] held) {
    this.fault = fault;
    this.nodeId = nodeId;
    this.leader = leader;
    this.at = at;
    this.held = held;
  }

  /** True until both detection and rescue were seen. */
  boolean watching() {
    return detectedAt == null || rescuedAt == null;
  }

  /** One look at the worker's registration and at the jobs it held. */
  void poll(Spool spool, Checks checks) {
    if (!watching()) {
      return;
    }
    Row row;
    try {
      row = await(spool.pool().preparedQuery(checks.sql("FaultWatch")).execute(Tuple.tuple().addValue(nodeId + "/%").addValue(held)),
          Duration.ofSeconds(5)).iterator().next();
    } catch (RuntimeException e) {
      System.err.println("recovery watch of " + nodeId + ": " + e);
      return; // a busy or restarting server: look again at the next tick
    }
    OffsetDateTime now = row.getOffsetDateTime("now");
    if (detectedAt == null && !row.getBoolean("registered")) {
      detectedAt = now;
    }
    if (rescuedAt == null && row.getLong("still_held") == 0) {
      rescuedAt = now;
    }
  }

  /** Reads, from the run log (indexed by then), when the last held job started again. */
  void settle(Spool spool, Checks checks) {
    if (held.length == 0) {
      return;
    }
    Row r = await(spool.pool().preparedQuery(checks.sql("RecoverySeconds")).execute(
        Tuple.tuple().addValue(held).addValue(at))).iterator().next();
    Number s = (Number) r.getValue("seconds");
    recoveredSeconds = s == null ? 0 : s.doubleValue();
    Number recorded = (Number) r.getValue("recorded_seconds");
    recordedSeconds = recorded == null ? 0 : recorded.doubleValue();
    failedInOutage = r.getLong("failed_in_outage");
    neverRerun = r.getLong("never_rerun");
    ackedAtFault = r.getLong("acked_at_fault");
    startedBeforeFault = await(spool.pool().preparedQuery(checks.sql("StartedBeforeFault")).execute(
        Tuple.tuple().addValue(held).addValue(nodeId).addValue(at))).iterator().next().getLong(0);
  }

  double recoveredSeconds() {
    return recoveredSeconds;
  }

  /** Until every held job had run again and recorded its run: a start that failed in an outage waits for its retry. */
  double recordedSeconds() {
    return recordedSeconds;
  }

  /** Held jobs whose first start elsewhere failed because the database was unreachable (they are retried). */
  long failedInOutage() {
    return failedInOutage;
  }

  /** Held jobs that never started again and are not done either (acked by the faulted worker itself excluded). */
  long neverRerun() {
    return neverRerun;
  }

  /** Held jobs the faulted worker's own ack completed: in flight at the fault, committed after the held jobs were read. */
  long ackedAtFault() {
    return ackedAtFault;
  }

  long startedBeforeFault() {
    return startedBeforeFault;
  }

  /** The breakdown, in seconds from the fault; a step never seen is null. */
  JsonObject toJson() {
    Double detection = since(detectedAt);
    Double rescue = since(rescuedAt);
    return new JsonObject()
        .put("fault", fault)
        .put("leader", leader)
        .put("held", held.length)
        .put("started_before_fault", startedBeforeFault)
        .put("detection_s", detection)
        .put("rescue_s", rescue)
        .put("claim_s", rescue == null || held.length == 0 ? null : round(recoveredSeconds - rescue))
        .put("recovery_s", round(recoveredSeconds))
        .put("first_starts_failed_in_outage", failedInOutage)
        .put("recorded_s", round(recordedSeconds));
  }

  private Double since(OffsetDateTime t) {
    return t == null ? null : round(Duration.between(at, t).toNanos() / 1e9);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }
}
