package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One state transition of a job, recorded while job history is on ({@link SpoolOptions#setHistory}).
 *
 * @param fromState the state before, null when the job was enqueued
 * @param toState the state after: a {@link JobState#sqlName()}, or {@code deleted} for a finished job
 *     that was purged or pruned
 * @param error the error of the failed run that caused the transition, else null
 */
public record JobEvent(long id, long jobId, String fromState, String toState, int attempt, JsonObject error,
    Instant at) {}
