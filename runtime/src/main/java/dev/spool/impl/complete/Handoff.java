package dev.spool.impl.complete;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * What a worker takes from its own acks: the children that an ack of their last parent releases, claimed for
 * this worker by that same statement ({@code complete_jobs}) instead of being announced for any worker to
 * claim. A chain's step then starts as soon as the step before is acked, with no notification and no claim
 * round trip between them.
 *
 * @param queues the worker's queues that claim plainly (a queue with limits is claimed only through its limits)
 * @param tasks the tasks the worker handles
 * @param leaseMs the lease the taken jobs get, as a claim's
 * @param room how many jobs the worker takes for an ack of this many jobs (0 when it must not claim now:
 *     stopping, or unsure it is still registered)
 * @param sink where each taken job's row goes, in ClaimJobs' columns, on the completer's event loop
 */
public record Handoff(String[] queues, String[] tasks, double leaseMs, IntUnaryOperator room, Consumer<Row> sink) {

  /** The column of complete_jobs' last row that says how many outcomes landed (its id is null). */
  static final int ACKED_COLUMN = 14;

  /**
   * Reads complete_jobs' answer: hands each taken job to {@code sink} (none when there is no hand-off) and
   * returns how many outcomes landed.
   */
  static int acked(RowSet<Row> rows, Handoff handoff) {
    int acked = 0;
    for (Row row : rows) {
      if (row.getValue(0) == null) {
        acked = row.getInteger(ACKED_COLUMN);
      } else if (handoff != null) {
        handoff.sink().accept(row);
      }
    }
    return acked;
  }
}
