package dev.spool;

import java.time.Duration;

/**
 * How many jobs of one queue are in one state, and how long the oldest of them has waited since its
 * run_at (for due jobs: how late the queue is). From {@link JobAdmin#depths()}, for metrics gauges.
 *
 * @param state {@link JobState#SCHEDULED} for available jobs whose run_at is still ahead
 * @param oldest now minus the earliest run_at among them (negative for scheduled jobs)
 */
public record QueueDepth(String queue, JobState state, long jobs, Duration oldest) {}
