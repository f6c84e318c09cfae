package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Why a job is not running ({@link JobAdmin#explain}): each reason that applies, from the database's state
 * at {@code at}, with its figures. An empty list for a due job means nothing holds it back but its turn
 * being claimed; a running or finished job has one reason saying so.
 *
 * @param id      the job
 * @param state   its state as reported (scheduled for an available job due later)
 * @param reasons what holds it back, most decisive first
 * @param at      the database's time the figures were read at
 */
public record JobExplanation(long id, JobState state, List<Reason> reasons, Instant at) {

  /**
   * Copies {@code reasons}.
   *
   * @param id the job
   * @param state its state as reported
   * @param reasons what holds it back, most decisive first; copied
   * @param at the database's time the figures were read at
   */
  public JobExplanation {
    reasons = List.copyOf(reasons);
  }

  /**
   * Whether any reason has this code.
   *
   * @param code a reason's code
   * @return true when a reason has it
   */
  public boolean has(Code code) {
    return reasons.stream().anyMatch(r -> r.code() == code);
  }

  /**
   * One reason: a code to test, a sentence for people, and the figures behind it (snake_case keys, times
   * as ISO-8601 text).
   */
  public record Reason(Code code, String message, JsonObject figures) {}

  /** What can hold a job back. */
  public enum Code {
    /** Its run_at is in the future ({@code run_at}, {@code due_in_seconds}). */
    DUE_LATER,
    /** Its queue is paused ({@code paused_at}). */
    QUEUE_PAUSED,
    /** Its queue's rate window is full ({@code limit}, {@code window_ms}, {@code started_in_window}, {@code until}). */
    QUEUE_RATE_LIMITED,
    /** Its task's rate window is full (figures as {@link #QUEUE_RATE_LIMITED}). */
    TASK_RATE_LIMITED,
    /** Its queue's cluster-wide concurrency is used up ({@code running}, {@code limit}). */
    CONCURRENCY_SATURATED,
    /** Due jobs before it in its queue's claim order ({@code ahead}, counted up to {@code count_limit}). */
    JOBS_AHEAD,
    /** No live worker claims from its queue: it waits until one starts. */
    NO_WORKER_FOR_QUEUE,
    /** Live workers claim from its queue, but none handles its task ({@code task}, {@code queue_workers}). */
    NO_WORKER_FOR_TASK,
    /** No worker holds the maintenance lease: nothing rescues jobs of dead workers nor enqueues periodic ones. */
    NO_LEADER,
    /** It is running on a live worker ({@code worker}, {@code lease_expires_at}). */
    RUNNING,
    /** It runs on a worker that is gone; the rescuer makes it available again ({@code worker}, {@code rescue_by}). */
    WORKER_GONE,
    /**
     * Claims are slowed by dead row versions vacuum may not remove: a session older than the jobs table's last
     * vacuum holds the horizon ({@code kind}, {@code pid}, {@code name}, {@code state}, {@code since},
     * {@code query}, {@code age_seconds}, {@code jobs_dead}, {@code jobs_vacuumed_at}; see {@link VacuumHorizon}).
     */
    HORIZON_HELD,
    /** It finished ({@code state}, {@code finished_at}): completed, dead or cancelled. */
    FINISHED,
    /**
     * It waits on parents that have not finished ({@code parents}, {@code unfinished}, {@code waiting_on}: the
     * first of them, each {@code {id, state, reason}} with its own first reason, null when nothing holds it
     * back; {@code failed}: parents that ended dead or cancelled, which cancel it unless
     * {@code run_on_parent_failure}). Parents of parents are named, not explained. (Per-key limits of keyed
     * queues are not explained yet.)
     */
    WAITING_ON_DEPENDENCIES
  }
}
