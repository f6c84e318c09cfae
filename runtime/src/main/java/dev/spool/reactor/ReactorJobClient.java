package dev.spool.reactor;

import dev.spool.CancelResult;
import dev.spool.EnqueueOptions;
import dev.spool.Job;
import dev.spool.JobClient;
import dev.spool.JobResult;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.JobRequest;
import dev.spool.JobState;
import dev.spool.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link JobClient} for Project Reactor code: each method returns a cold {@link Mono} or {@link Flux},
 * so nothing is enqueued until it is subscribed, and each subscription enqueues again.
 *
 * <pre>{@code
 * ReactorJobClient jobs = ReactorJobClient.of(spool.client());
 * Mono<Long> id = jobs.enqueue(SEND_EMAIL, email);
 * Flux<Long> ids = jobs.enqueueAll(RESIZE, imageFlux, new EnqueueOptions());   // batched statements
 * }</pre>
 *
 * <p>Streams of arguments ({@link #enqueueAll(Task, Publisher, EnqueueOptions)}) are cut into batches of
 * {@code batchSize}, each stored by one statement, with up to {@code batchesInFlight} statements pipelined
 * at once; demand upstream follows the database, so a fast Flux does not pile up in memory. Ids come out
 * in the order of the arguments. If a batch fails, the Flux fails: batches stored before it stay stored
 * (each batch is its own statement), none after it is tried.
 *
 * <p>Results are signalled on Vert.x event loop threads: do not block in operators downstream (move to
 * another scheduler with {@code publishOn} when you must).
 */
public final class ReactorJobClient {

  /** Jobs per statement: large enough to amortise the round trip, small enough to keep statements quick. */
  public static final int DEFAULT_BATCH_SIZE = 500;
  /** Statements of one stream in flight at once: two keeps the connection busy while ids are handed on. */
  public static final int DEFAULT_BATCHES_IN_FLIGHT = 2;

  private final JobClient client;
  private final int batchSize;
  private final int batchesInFlight;

  private ReactorJobClient(JobClient client, int batchSize, int batchesInFlight) {
    this.client = Objects.requireNonNull(client, "client");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    if (batchesInFlight < 1) {
      throw new IllegalArgumentException("batchesInFlight must be at least 1, got " + batchesInFlight);
    }
    this.batchSize = batchSize;
    this.batchesInFlight = batchesInFlight;
  }

  /**
   * Wraps {@code client} with the default batch size and batches in flight.
   *
   * @param client the client to wrap
   * @return the Reactor client
   */
  public static ReactorJobClient of(JobClient client) {
    return new ReactorJobClient(client, DEFAULT_BATCH_SIZE, DEFAULT_BATCHES_IN_FLIGHT);
  }

  /**
   * A copy that cuts streams into batches of {@code batchSize} jobs.
   *
   * @param batchSize jobs per batch statement, at least 1
   * @return the copy
   */
  public ReactorJobClient withBatchSize(int batchSize) {
    return new ReactorJobClient(client, batchSize, batchesInFlight);
  }

  /**
   * A copy that keeps up to {@code batchesInFlight} batch statements of one stream in flight.
   *
   * @param batchesInFlight batch statements in flight per stream, at least 1
   * @return the copy
   */
  public ReactorJobClient withBatchesInFlight(int batchesInFlight) {
    return new ReactorJobClient(client, batchSize, batchesInFlight);
  }

  /** {@return the jobs per batch statement of a streamed enqueue} */
  public int batchSize() {
    return batchSize;
  }

  /** {@return the batch statements one stream keeps in flight} */
  public int batchesInFlight() {
    return batchesInFlight;
  }

  /**
   * The wrapped client.
   *
   * @return the client
   */
  public JobClient unwrap() {
    return client;
  }

  /**
   * {@link JobClient#enqueue(Task, Object)}: the new job's id.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param args the job's arguments
   * @return the job's id
   */
  public <A> Mono<Long> enqueue(Task<A> task, A args) {
    return enqueue(task, args, new EnqueueOptions());
  }

  /**
   * {@link JobClient#enqueue(Task, Object, EnqueueOptions)}: the new (or, for a held unique key, existing) job's id.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param args the job's arguments
   * @param options the job's options
   * @return the job's id
   */
  public <A> Mono<Long> enqueue(Task<A> task, A args, EnqueueOptions options) {
    return mono(() -> client.enqueue(task, args, options));
  }

  /**
   * {@link JobClient#enqueue(SqlClient, Task, Object, EnqueueOptions)}: on the caller's connection and transaction.
   *
   * @param <A> the task's argument type
   * @param connection the caller's connection or transaction; the caller commits
   * @param task the task
   * @param args the job's arguments
   * @param options the job's options
   * @return the job's id
   */
  public <A> Mono<Long> enqueue(SqlClient connection, Task<A> task, A args, EnqueueOptions options) {
    return mono(() -> client.enqueue(connection, task, args, options));
  }

  /**
   * {@link JobClient#enqueueBatch}: one statement for all of {@code args}; ids in their order.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param args one job's arguments per element
   * @param options the options of every job
   * @return the jobs' ids
   */
  public <A> Mono<List<Long>> enqueueBatch(Task<A> task, List<A> args, EnqueueOptions options) {
    return mono(() -> client.enqueueBatch(task, args, options));
  }

  /**
   * {@link JobClient#enqueueAll(List)}: one statement for jobs of any tasks; ids in their order.
   *
   * @param jobs the jobs, each a task, its arguments and its options
   * @return the jobs' ids
   */
  public Mono<List<Long>> enqueueAll(List<JobRequest<?>> jobs) {
    return mono(() -> client.enqueueAll(jobs));
  }

  /**
   * Enqueues every element of {@code args} in batches; emits the ids in the order of the arguments.
   *
   * @param <A> the task's argument type
   * @param task the task
   * @param args the stream of arguments, one job each
   * @param options the options of every job
   * @return the jobs' ids
   */
  public <A> Flux<Long> enqueueAll(Task<A> task, Publisher<? extends A> args, EnqueueOptions options) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(options, "options");
    return Flux.<A>from(args)
        .buffer(batchSize)
        .flatMapSequential(batch -> enqueueBatch(task, batch, options), batchesInFlight, 1)
        .flatMapIterable(ids -> ids);
  }

  /**
   * Enqueues a stream of jobs of any tasks in batches; emits the ids in the order of the requests.
   *
   * @param jobs the stream of jobs
   * @return the jobs' ids
   */
  public Flux<Long> enqueueRequests(Publisher<? extends JobRequest<?>> jobs) {
    return Flux.<JobRequest<?>>from(jobs)
        .buffer(batchSize)
        .flatMapSequential(this::enqueueAll, batchesInFlight, 1)
        .flatMapIterable(ids -> ids);
  }

  /**
   * {@link JobClient#result}: the job's state and result or error.
   *
   * @param id the job's id
   * @return the job's result
   */
  public Mono<JobResult> result(long id) {
    return mono(() -> client.result(id));
  }

  /**
   * {@link JobClient#await}: completes when the job reaches a final state; errors on timeout or an unknown id.
   *
   * @param id the job's id
   * @param timeout how long to wait at most
   * @return the job's final result
   */
  public Mono<JobResult> await(long id, java.time.Duration timeout) {
    return mono(() -> client.await(id, timeout));
  }

  /**
   * {@link JobClient#enqueueWorkflow(Workflow)}.
   *
   * @param workflow the workflow
   * @return the workflow's id and its steps' job ids
   */
  public Mono<WorkflowRun> enqueueWorkflow(Workflow workflow) {
    return mono(() -> client.enqueueWorkflow(workflow));
  }

  /**
   * {@link JobClient#cancel}: at once when the job has not started, by telling its worker when it runs.
   *
   * @param id the job's id
   * @return what became of the request
   */
  public Mono<CancelResult> cancel(long id) {
    return mono(() -> client.cancel(id));
  }

  /**
   * {@link JobClient#find}: the stored job, or empty when there is none (completed jobs are deleted unless kept).
   *
   * @param id the job's id
   * @return the job, or empty
   */
  public Mono<Job> find(long id) {
    return mono(() -> client.find(id)).flatMap(Mono::justOrEmpty);
  }

  /**
   * {@link JobClient#countByQueueAndState}.
   *
   * @return counts by queue, then by state
   */
  public Mono<Map<String, Map<JobState, Long>>> countByQueueAndState() {
    return mono(client::countByQueueAndState);
  }

  /** A cold Mono of a Vert.x future: the call is made on each subscription, not before. */
  static <T> Mono<T> mono(Supplier<Future<T>> call) {
    return Mono.defer(() -> Mono.fromCompletionStage(call.get().toCompletionStage()));
  }
}
