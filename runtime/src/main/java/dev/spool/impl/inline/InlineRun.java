package dev.spool.impl.inline;

import io.vertx.core.json.JsonObject;

/**
 * What the runtime decided for one run of an {@link InlineRunner}: the outcome a worker would have written,
 * with what the kit reports of it.
 *
 * @param id the job's id (0 for a run without a row, {@link InlineRunner#perform})
 * @param kind completed, retried, dead or snoozed
 * @param result the handler's value encoded by its task's result codec; null without one
 * @param delayMs for a retry or a snooze, how long until the job is due again
 * @param error the error recorded on the job (retried or dead), null otherwise
 * @param failure what the handler failed with (retried or dead), null otherwise
 * @param progress the last progress the handler reported, null when none
 */
public record InlineRun(long id, String queue, String task, int attempt, Kind kind, byte[] result, long delayMs,
    JsonObject error, Throwable failure, JsonObject progress) {

  /** The outcomes of a run, as the {@link dev.spool.impl.execute.Executor} decides them. */
  public enum Kind { COMPLETED, RETRIED, DEAD, SNOOZED }
}
