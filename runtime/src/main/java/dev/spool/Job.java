package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A job as stored, for looking at it ({@link JobClient#find}). Arguments are left encoded: decode them
 * with the task's codec.
 *
 * @param timeoutMs the job's own hard limit of one run, or null for its handler's
 * @param softTimeoutMs the job's own soft limit of one run, or null for its handler's
 * @param lastError {@code {class, message, stack, attempt, at}} of the latest failure, or null
 * @param key the job's key ({@link EnqueueOptions#setKey}), or null
 * @param cancelRequestedAt when a cancel was asked for (a running job ends cancelled unless its run
 *     succeeds), or null
 */
public record Job(
    long id,
    String queue,
    String task,
    byte[] args,
    int priority,
    Instant runAt,
    JobState state,
    int attempt,
    int maxAttempts,
    Long timeoutMs,
    Long softTimeoutMs,
    String leaseOwner,
    Instant leaseExpiresAt,
    JsonObject lastError,
    String uniqueKey,
    Instant createdAt,
    Instant attemptedAt,
    Instant finishedAt,
    String key,
    Instant cancelRequestedAt) {}
