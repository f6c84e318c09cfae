package dev.spool;

import java.time.Instant;
import java.util.List;

/**
 * One registered worker as of its last heartbeat ({@link JobAdmin#workers()}): what it serves and what it
 * holds. Its claimed jobs are of two kinds that the jobs table does not tell apart (both are {@code running},
 * leased to it): {@code active} ones run their handler now, {@code reserved} ones wait in its prefetch buffer
 * for a free slot (Celery's "inspect active" and "inspect reserved").
 *
 * @param queues      the queues it claims from
 * @param tasks       the tasks it handles (null for a worker of a release before they were registered)
 * @param heartbeatAt its last heartbeat: a worker silent for longer than the worker timeout is about to be reaped
 * @param active      jobs whose handler runs on it (0 for a worker of a release before V012)
 * @param reserved    jobs it has claimed into its prefetch buffer and not started
 * @param runningIds  the ids of the active jobs, at most the first 100
 * @param leader      whether it holds the maintenance lease (rescue, scheduling, pruning)
 */
public record WorkerStatus(String id, List<String> queues, List<String> tasks, Instant startedAt, Instant heartbeatAt,
    int active, int reserved, List<Long> runningIds, boolean leader) {}
