package dev.spool.impl.complete;

import dev.spool.impl.job.ClaimedJob;
import io.vertx.core.json.JsonObject;

/**
 * Where the {@link dev.spool.impl.execute.Executor} sends the outcome it decided for a run. A worker's is its
 * {@link Completer}, which writes outcomes in batches; the test kit's inline runs record them as well (see
 * {@link dev.spool.impl.inline.InlineRunner}). Methods are called on the executor's event loop.
 */
public interface OutcomeSink {

  /** The job's handler succeeded (its result, if any, is on the job). */
  void completed(ClaimedJob job);

  /** The run failed; the job becomes available again after {@code delayMs}. */
  void retry(ClaimedJob job, long delayMs, JsonObject error);

  /** The job goes to {@code dead} with this error. */
  void kill(ClaimedJob job, JsonObject error);

  /** The handler snoozed the job: it waits {@code delayMs} again, the run not counted as a failure. */
  void snooze(ClaimedJob job, long delayMs);
}
