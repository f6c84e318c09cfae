package dev.spool;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CancellationException;

/**
 * Diagnostic tasks every Spool worker can run without user code:
 * <ul>
 *   <li>{@code spool.noop} does nothing;
 *   <li>{@code spool.sleep {"ms": N}} finishes after N milliseconds (a timer, not a blocked thread); told to
 *       stop (cancelled, at its hard limit, the worker stopping) it stops at once, failed, like any
 *       cooperative handler: a cancelled sleep ends cancelled, one past its hard limit times out;
 *   <li>{@code spool.fail {"times": N}} fails its first N attempts, then succeeds;
 *   <li>{@code spool.echo} completes with its arguments as its result.
 *   <li>{@code spool.block {"ms": N}} is a {@linkplain JobHandler#blocking blocking} handler that sleeps N
 *       milliseconds on its pool thread (an interrupt at the hard limit ends it, failed);
 *   <li>{@code spool.hang {"ms": N}} is an async handler that ignores every signal (soft limit,
 *       cancellation, hard limit) for N milliseconds, then succeeds: a stuck handler on demand.
 * </ul>
 */
public final class BuiltInTasks {

  /** {@code spool.noop}: does nothing. */
  public static final Task<JsonObject> NOOP = Task.json("spool.noop");
  /** {@code spool.sleep {"ms": N}}: finishes after N milliseconds, stopping at once when told to. */
  public static final Task<JsonObject> SLEEP = Task.json("spool.sleep");
  /** {@code spool.fail {"times": N}}: fails its first N attempts, then succeeds. */
  public static final Task<JsonObject> FAIL = Task.json("spool.fail");
  /** {@code spool.echo}: completes with its arguments as its result. */
  public static final Task<JsonObject> ECHO = Task.json("spool.echo");
  /** {@code spool.block {"ms": N}}: a blocking handler that sleeps N milliseconds on its pool thread. */
  public static final Task<JsonObject> BLOCK = Task.json("spool.block");
  /** {@code spool.hang {"ms": N}}: ignores every signal for N milliseconds, then succeeds. */
  public static final Task<JsonObject> HANG = Task.json("spool.hang");

  private BuiltInTasks() {}

  /**
   * Registers the built-in tasks with default handler options.
   *
   * @param handlers where to register them
   * @return {@code handlers}
   */
  public static JobHandlers register(JobHandlers handlers) {
    return register(handlers, new HandlerOptions());
  }

  /**
   * Registers the built-in tasks, retried and timed out as {@code options} say.
   *
   * @param handlers where to register them
   * @param options the handler options of every built-in task
   * @return {@code handlers}
   */
  public static JobHandlers register(JobHandlers handlers, HandlerOptions options) {
    return handlers
        .register(NOOP, (args, ctx) -> Future.succeededFuture(), options)
        .register(SLEEP, (args, ctx) -> {
          long ms = nonNegative(args, "ms");
          if (ms == 0) {
            return Future.succeededFuture();
          }
          Promise<Void> done = Promise.promise();
          long timer = ctx.vertx().setTimer(ms, t -> done.tryComplete());
          // A timer it can stop: only spool.hang ignores signals. Failing (not completing) is what makes a
          // cancelled run end cancelled; the worker records its own reason for a timeout or shutdown.
          ctx.cancellation().onComplete(stop -> {
            if (ctx.vertx().cancelTimer(timer)) {
              done.tryFail(new CancellationException("spool.sleep: told to stop before its " + ms + " ms were up"));
            }
          });
          return done.future();
        }, options)
        .register(FAIL, (args, ctx) -> {
          long times = nonNegative(args, "times");
          return ctx.attempt() <= times
              ? Future.failedFuture(new IllegalStateException(
                  "spool.fail: failing attempt " + ctx.attempt() + " of the first " + times))
              : Future.succeededFuture();
        }, options)
        .register(ECHO, (args, ctx) -> Future.succeededFuture(args), options)

        .register(BLOCK, JobHandler.blocking((args, ctx) -> {
          long ms = nonNegative(args, "ms");
          if (ms > 0) {
            Thread.sleep(ms);
          }
        }), options)
        .register(HANG, (args, ctx) -> {
          long ms = nonNegative(args, "ms");
          Promise<Void> done = Promise.promise();
          // the timer is all there is: nothing here listens to the context's signals
          ctx.vertx().setTimer(Math.max(1, ms), t -> done.complete());
          return done.future();
        }, options);
  }

  private static long nonNegative(JsonObject args, String field) {
    Object value = args.getValue(field, 0);
    if (!(value instanceof Number n) || n.longValue() < 0) {
      throw new GiveUpException("\"" + field + "\" must be a non-negative number, got " + value);
    }
    return n.longValue();
  }
}
