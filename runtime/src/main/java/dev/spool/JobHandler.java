package dev.spool;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Runs one kind of job. It is called on the worker verticle's event loop and must not block it: return a
 * {@link Future} that completes when the work is done. Blocking code goes in a {@link #blocking} handler
 * (or one registered with {@link HandlerOptions#setBlocking}), which runs on the worker's blocking pool.
 * A failed future, a thrown exception, or a run past its hard limit is a failure; the job is then
 * retried with backoff or sent to {@code dead} as the handler's {@link RetryPolicy} says.
 *
 * @param <A> the type of the job's arguments
 */
@FunctionalInterface
public interface JobHandler<A> {

  /**
   * Starts the work of one run; the future's outcome is the run's.
   *
   * @param args the job's arguments, decoded by the task's codec
   * @param context the job and the run: id, attempt, cancellation, progress
   * @return a future whose success completes the job (its value the result, if the task keeps one) and whose
   *     failure fails the run
   * @throws Exception any failure, which fails the run as a failed future does
   */
  Future<?> handle(A args, JobContext context) throws Exception;

  /**
   * A handler of blocking code, run on the worker's blocking pool (a named Vert.x {@code WorkerExecutor}
   * of {@link WorkerOptions#setBlockingPoolSize} threads, or virtual threads with
   * {@link WorkerOptions#setVirtualThreads}), never on its event loop. It succeeds by returning and fails
   * by throwing; see {@link BlockingJobHandler}.
   *
   * @param <A> the type of the arguments
   * @param handler the blocking code
   * @return the handler, marked to run off the event loop
   */
  static <A> BlockingJobHandler<A> blocking(BlockingJobHandler<A> handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    return handler;
  }

  /**
   * A handler written against {@link CompletionStage}, such as a {@code CompletableFuture}.
   *
   * @param <A> the type of the arguments
   * @param handler a function of the arguments and the context returning a stage
   * @return the handler
   */
  static <A> JobHandler<A> ofStage(BiFunction<A, JobContext, ? extends CompletionStage<?>> handler) {
    return (args, context) -> Future.fromCompletionStage(handler.apply(args, context), context.vertx().getOrCreateContext());
  }
}
