package dev.spool;

import io.vertx.core.Future;

/**
 * A handler of blocking code (JDBC and JPA, HTTP SDKs, file and image work): it runs on the worker's
 * blocking pool, never on its event loop, and its outcome is how it returns: normally for success, by
 * throwing for a failure (retried or sent to {@code dead} like any other; throw a {@link Snooze} to run
 * again later). Make one with {@link JobHandler#blocking}:
 *
 * <pre>{@code
 * handlers.register(RESIZE, JobHandler.blocking((args, ctx) -> {
 *   for (Path image : images(args)) {
 *     if (ctx.isSoftTimedOut()) {
 *       throw new Snooze(Duration.ZERO);   // past the soft limit: stop here, the rest runs as a new run
 *     }
 *     resize(image);                        // skips images done before; an interrupt ends a blocked call
 *   }
 * }), new HandlerOptions().setSoftTimeout(Duration.ofSeconds(540)).setTimeout(Duration.ofSeconds(600)));
 * }</pre>
 *
 * At the hard limit the run fails and the thread is interrupted. A handler that returns neither then nor
 * within the worker's {@link WorkerOptions#setStuckGrace grace period} is <em>stuck</em>: it keeps its slot
 * and, by default, its job (see {@link HandlerOptions.OnStuck}).
 *
 * @param <A> the type of the job's arguments
 */
@FunctionalInterface
public interface BlockingJobHandler<A> extends JobHandler<A> {

  /**
   * Does the work on a thread of the blocking pool; may block.
   *
   * @param args the job's arguments, decoded by the task's codec
   * @param context the job and the run: id, attempt, cancellation, progress
   * @throws Exception any failure, which fails the run
   */
  void run(A args, JobContext context) throws Exception;

  /**
   * The handler called as an async one, outside a Spool worker (which calls {@link #run} on its own pool):
   * runs it on Vert.x's default worker pool.
   */
  @Override
  default Future<?> handle(A args, JobContext context) {
    return context.vertx().executeBlocking(() -> {
      run(args, context);
      return null;
    }, false);
  }
}
