package dev.spool;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * A handler's way of saying "not now, try again later": the job goes back to waiting for {@code delay}
 * without counting as a failure. The run is still counted in {@link JobContext#attempt()}, and the job's
 * {@code maxAttempts} grows by one, so a snooze never uses up the attempts a job has for failures; no
 * error is recorded. A job whose cancel was requested ends cancelled instead.
 *
 * <pre>{@code
 * handlers.register(POLL_EXPORT, (args, ctx) -> exports.status(args.getString("id")).compose(status ->
 *     status.ready() ? download(status) : Snooze.after(Duration.ofSeconds(30))));
 * }</pre>
 *
 * Throwing it from a handler, or failing the handler's future with it, does the same.
 */
public final class Snooze extends RuntimeException {

  /** How long the job waits before its next run. */
  private final Duration delay;

  /**
   * A snooze of {@code delay}; throw it from a handler or fail the handler's future with it.
   *
   * @param delay from 0 to about 24 days ({@code Integer.MAX_VALUE} milliseconds)
   * @throws IllegalArgumentException for a null, negative or longer delay
   */
  public Snooze(Duration delay) {
    super("snoozed for " + delay, null, false, false);
    if (delay == null || delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a snooze lasts from 0 to ~24 days, got " + delay);
    }
    this.delay = delay;
  }

  /**
   * A failed future that snoozes the job for {@code delay}; return it from a handler.
   *
   * @param <T> the handler's result type
   * @param delay from 0 to about 24 days
   * @return the failed future
   */
  public static <T> Future<T> after(Duration delay) {
    return Future.failedFuture(new Snooze(delay));
  }

  /** {@return how long the job waits before its next run} */
  public Duration delay() {
    return delay;
  }
}
