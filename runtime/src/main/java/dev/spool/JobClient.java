package dev.spool;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts jobs into Spool and looks at them. Every method returns a {@link Future}; nothing blocks.
 *
 * <p>The methods taking a {@link SqlClient} run on the caller's connection: pass the connection of an
 * open transaction and the job exists if and only if that transaction commits (workers are woken at
 * commit, not before).
 *
 * <p>Tracing: when OpenTelemetry's API is on the class path and a span is current in the thread that calls an
 * enqueue method (including {@link #enqueueAll} and {@link #enqueueWorkflow}, whose jobs all share it), its
 * W3C traceparent is stored with the job, and every run of the job is a {@code spool.job} span, child of
 * that span (docs/operations/tracing.md). The context is read during the call, not when the returned future completes.
 */
public interface JobClient {

  /**
   * Enqueues one job with default options; completes with its id.
   *
   * @param <A> the task's argument type
   * @param task the task, whose codec encodes {@code args}
   * @param args the job's arguments
   * @return the new job's id
   */
  default <A> Future<Long> enqueue(Task<A> task, A args) {
    return enqueue(task, args, new EnqueueOptions());
  }

  /**
   * Enqueues one JSON job under a task name with default options.
   *
   * @param task the task's name
   * @param args the job's arguments as JSON
   * @return the new job's id
   */
  default Future<Long> enqueue(String task, JsonObject args) {
    return enqueue(Task.json(task), args, new EnqueueOptions());
  }

  /**
   * Enqueues one job; completes with its id. With a unique key that is already held by an available or
   * running job, completes with that job's id and adds nothing.
   *
   * @param <A> the task's argument type
   * @param task the task, whose codec encodes {@code args}
   * @param args the job's arguments
   * @param options queue, priority, delay, limits and keys of the job
   * @return the new job's id, or the id of the job already holding its unique key
   */
  <A> Future<Long> enqueue(Task<A> task, A args, EnqueueOptions options);

  /**
   * Enqueues one job on the caller's connection (inside the caller's transaction when one is open).
   *
   * @param <A> the task's argument type
   * @param connection the caller's connection or transaction; the caller commits
   * @param task the task, whose codec encodes {@code args}
   * @param args the job's arguments
   * @param options queue, priority, delay, limits and keys of the job
   * @return the new job's id, or the id of the job already holding its unique key
   */
  <A> Future<Long> enqueue(SqlClient connection, Task<A> task, A args, EnqueueOptions options);

  /**
   * Enqueues many jobs of one task in one statement; completes with their ids in the order given.
   *
   * @param <A> the task's argument type
   * @param task the task, whose codec encodes each of {@code args}
   * @param args one job's arguments per element
   * @param options the options of every job (no unique key)
   * @return the new jobs' ids, in the order of {@code args}
   */
  default <A> Future<List<Long>> enqueueBatch(Task<A> task, List<A> args, EnqueueOptions options) {
    return enqueueAll(args.stream().<JobRequest<?>>map(a -> new JobRequest<>(task, a, options)).toList());
  }

  /**
   * Enqueues many jobs, of any tasks, in one statement and one round trip; completes with their ids in
   * the order given. Unique keys are not accepted here (use {@link #enqueue} for those).
   *
   * @param jobs the jobs, each a task, its arguments and its options
   * @return the new jobs' ids, in the order of {@code jobs}
   */
  Future<List<Long>> enqueueAll(List<JobRequest<?>> jobs);

  /**
   * {@link #enqueueAll} on the caller's connection.
   *
   * @param connection the caller's connection or transaction; the caller commits
   * @param jobs the jobs, each a task, its arguments and its options
   * @return the new jobs' ids, in the order of {@code jobs}
   */
  Future<List<Long>> enqueueAll(SqlClient connection, List<JobRequest<?>> jobs);

  /**
   * Cancels a job: at once when it has not started, by telling its worker when it is running; a finished
   * job is left as it is. See {@link CancelResult}.
   *
   * @param id the job's id
   * @return what became of the request
   */
  Future<CancelResult> cancel(long id);

  /**
   * Pauses a queue on every node: workers stop claiming from it at their next claim (well within a
   * second when busy; idle ones claim nothing anyway). Enqueues still go in. Persisted until resumed.
   *
   * @param queue the queue's name
   * @return a future that completes once the pause is stored
   */
  Future<Void> pauseQueue(String queue);

  /**
   * Resumes a paused queue and wakes its workers at once.
   *
   * @param queue the queue's name
   * @return a future that completes once the resume is stored
   */
  Future<Void> resumeQueue(String queue);

  /**
   * The job with this id, if it is (still) stored. Completed jobs are deleted unless kept.
   *
   * @param id the job's id
   * @return the job, or empty when no such job is stored
   */
  Future<Optional<Job>> find(long id);

  /**
   * The job's state and, once it finished, its result (completed) or error (dead, cancelled); fails with
   * {@link NoSuchJobException} when no such job is stored. Results are kept for
   * {@link RetentionOptions#setResults}.
   *
   * @param id the job's id
   * @return the job's state and its result or error
   */
  Future<JobResult> result(long id);

  /**
   * Completes when the job reaches a final state — completed with its result, dead with its error, or
   * cancelled — from whichever process runs it: woken by LISTEN/NOTIFY, every await of this Spool sharing
   * one connection. Fails with {@link AwaitTimeoutException} after {@code timeout} (the job goes on) and
   * with {@link NoSuchJobException} for an id that is not stored.
   *
   * @param id the job's id
   * @param timeout how long to wait at most
   * @return the job's final state and its result or error
   */
  Future<JobResult> await(long id, Duration timeout);

  /**
   * Enqueues every step of a workflow in one statement: all or nothing. Steps without parents are available
   * at once; the others wait. Completes with the workflow's id and its steps' job ids.
   *
   * @param workflow the workflow's steps and their dependencies
   * @return the workflow's id and its steps' job ids
   */
  default Future<WorkflowRun> enqueueWorkflow(Workflow workflow) {
    return enqueueWorkflow(null, workflow);
  }

  /**
   * {@link #enqueueWorkflow(Workflow)} on the caller's connection (inside its transaction when one is open).
   *
   * @param connection the caller's connection or transaction; the caller commits
   * @param workflow the workflow's steps and their dependencies
   * @return the workflow's id and its steps' job ids
   */
  Future<WorkflowRun> enqueueWorkflow(SqlClient connection, Workflow workflow);

  /**
   * The workflow's steps and their states, or empty when there is no such workflow.
   *
   * @param workflowId the id {@link #enqueueWorkflow(Workflow)} returned
   * @return the workflow's status, or empty
   */
  Future<Optional<WorkflowStatus>> workflow(long workflowId);

  /**
   * Cancels a workflow's unfinished steps: waiting and available ones at once, running ones through their
   * worker (see {@link #cancel}); completes with how many steps were cancelled or told to stop.
   *
   * @param workflowId the id {@link #enqueueWorkflow(Workflow)} returned
   * @return how many steps were cancelled or told to stop
   */
  Future<Integer> cancelWorkflow(long workflowId);

  /**
   * Jobs per queue and state; available jobs due later are counted as {@link JobState#SCHEDULED}.
   *
   * @return counts by queue name, then by state; states without jobs are absent
   */
  Future<Map<String, Map<JobState, Long>>> countByQueueAndState();
}
