package dev.spool;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Runs one kind of job. It is called on the worker verticle's event loop and must not block it: return a
 * {@link Future} that completes when the work is done (use {@code vertx.executeBlocking} for blocking
 * code). A failed future, a thrown exception, or a run past its timeout is a failure; the job is then
 * retried with backoff or sent to {@code dead} as the handler's {@link RetryPolicy} says.
 *
 * @param <A> the type of the job's arguments
 */
@FunctionalInterface
public interface JobHandler<A> {

  Future<?> handle(A args, JobContext context) throws Exception;

  /** A handler written against {@link CompletionStage}, such as a {@code CompletableFuture}. */
  static <A> JobHandler<A> ofStage(BiFunction<A, JobContext, ? extends CompletionStage<?>> handler) {
    return (args, context) -> Future.fromCompletionStage(handler.apply(args, context), context.vertx().getOrCreateContext());
  }
}
