package dev.spool.reactor;

import dev.spool.JobContext;
import dev.spool.JobHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BiFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Handlers written with Project Reactor: return a {@link Mono} and Spool subscribes to it.
 *
 * <pre>{@code
 * handlers.register(RESIZE, ReactorJobHandler.of((image, ctx) ->
 *     imageService.resize(image.url(), image.width())      // a Mono<Void> from a Reactor-based client
 *         .timeout(Duration.ofSeconds(20))));
 * }</pre>
 *
 * <p>The job succeeds when the Mono completes (with or without a value) and fails with the Mono's error.
 * The Mono may signal on any thread (a Reactor scheduler, a Netty loop of another client): the outcome is
 * handed back to the worker's event loop, where Spool's bookkeeping runs. When the run must stop — its
 * timeout passed, the job was cancelled, or the worker is shutting down ({@link JobContext#cancellation()})
 * — the subscription is disposed, which cancels the work upstream as Reactor cancels anything.
 *
 * <p>The {@link JobContext} is also in the Reactor context under {@code JobContext.class}; operators deep
 * in a chain read it with {@link #jobContext()}.
 *
 * <p>Reactor is an optional dependency of Spool: add {@code io.projectreactor:reactor-core} to use this.
 */
public final class ReactorJobHandler {

  private ReactorJobHandler() {}

  /**
   * A {@link JobHandler} that runs the Mono returned by {@code handler}.
   *
   * @param <A> the task's argument type
   * @param handler a function of the arguments and the context returning a Mono; the run succeeds with its value
   * @return the handler
   */
  public static <A> JobHandler<A> of(BiFunction<? super A, ? super JobContext, ? extends Mono<?>> handler) {
    Objects.requireNonNull(handler, "handler");
    return (args, context) -> run(handler.apply(args, context), context);
  }

  /**
   * The {@link JobContext} of the run a Mono is part of; errors when used outside a Reactor handler.
   *
   * @return a Mono of the run's context
   */
  public static Mono<JobContext> jobContext() {
    return Mono.deferContextual(view -> view.<JobContext>getOrEmpty(JobContext.class)
        .map(Mono::just)
        .orElseGet(() -> Mono.error(new IllegalStateException("not inside a Spool ReactorJobHandler"))));
  }

  private static Future<?> run(Mono<?> mono, JobContext job) {
    if (mono == null) {
      return Future.failedFuture(new IllegalStateException("the Reactor handler of task " + job.task() + " returned null"));
    }
    // The worker calls handlers on its event loop: that is where the outcome must land.
    Context home = Vertx.currentContext() != null ? Vertx.currentContext() : job.vertx().getOrCreateContext();
    Promise<Object> outcome = Promise.promise();
    Disposable subscription = mono
        .contextWrite(reactorContext -> reactorContext.put(JobContext.class, job))
        .subscribe(
            value -> onHome(home, () -> outcome.tryComplete(value)),
            error -> onHome(home, () -> outcome.tryFail(error)),
            () -> onHome(home, () -> outcome.tryComplete(null)));
    job.cancellation().onComplete(stop -> {
      if (!outcome.future().isComplete()) {
        subscription.dispose();
        // End the run so a cancelled job is not held until its timeout. A tick later, not now: the worker
        // signals a timeout or shutdown first and records its own reason right after, and that reason,
        // not this echo of it, is what the job's last error should say.
        home.runOnContext(v -> outcome.tryFail(new CancellationException(job + " was told to stop; its Mono was disposed")));
      }
    });
    return outcome.future();
  }

  private static void onHome(Context home, Runnable action) {
    if (Vertx.currentContext() == home) {
      action.run(); // a Mono that answers on the event loop (Mono.just, a Vert.x client) needs no hop
    } else {
      home.runOnContext(v -> action.run());
    }
  }
}
