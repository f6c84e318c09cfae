package dev.spool.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Whether this process is being recycled, shared by every worker of one Spool: the first recycling limit
 * to trip gives the reason; from then on the workers claim nothing, {@code /ready} says 503 with it, and
 * the {@code worker} command stops gracefully and exits with its recycle code.
 */
public final class Recycling {

  private final Promise<String> tripped = Promise.promise();
  private volatile String reason;

  /** Trips with {@code reason}, unless a limit tripped before; true when this call tripped it. */
  public boolean trip(String reason) {
    synchronized (this) {
      if (this.reason != null) {
        return false;
      }
      this.reason = reason;
    }
    tripped.complete(reason);
    return true;
  }

  /** Why the process is being recycled, or null while it is not. */
  public String reason() {
    return reason;
  }

  /** Completes with the reason when a limit trips; callbacks run on the thread that tripped it. */
  public Future<String> future() {
    return tripped.future();
  }
}
