package dev.spool;

import java.time.Instant;

/**
 * A queue as the dashboard shows it ({@link JobAdmin#activity}): cheap to read at any table size. Job
 * counts stop at the limit asked for (a count equal to it means "at least"); completed jobs are not
 * counted at all: throughput and pickup lag come from what live workers reported in their last heartbeat.
 *
 * @param available jobs due now
 * @param scheduled available jobs due later
 * @param nextWaitSeconds how long the job next in line has been due; null when none is
 * @param workers live workers serving the queue
 * @param finishedPerSecond runs ended per second (completed, retried or dead) over the workers' last
 *     heartbeat interval, summed over live workers
 * @param failedPerSecond of those, runs that failed
 * @param lagMillisAvg average time from due to handler start of the runs started in that interval; null
 *     when none started
 * @param lagMillisMax the longest such time; null when none started
 */
public record QueueActivity(String name, boolean paused, Instant pausedAt, long available, long scheduled,
    long running, long dead, Double nextWaitSeconds, int workers, double finishedPerSecond,
    double failedPerSecond, Double lagMillisAvg, Double lagMillisMax) {}
