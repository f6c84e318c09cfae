package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** How a handler's runs are bounded and retried: a default timeout and a {@link RetryPolicy}. */
public class HandlerOptions {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

  private Duration timeout = DEFAULT_TIMEOUT;
  private RetryPolicy retryPolicy = new RetryPolicy();

  public HandlerOptions() {}

  public HandlerOptions(HandlerOptions other) {
    this.timeout = other.timeout;
    this.retryPolicy = new RetryPolicy(other.retryPolicy);
  }

  /** Reads {@code timeoutMs} and {@code retryPolicy}. */
  public HandlerOptions(JsonObject json) {
    setTimeout(Duration.ofMillis(json.getLong("timeoutMs", DEFAULT_TIMEOUT.toMillis())));
    setRetryPolicy(new RetryPolicy(json.getJsonObject("retryPolicy", new JsonObject())));
  }

  public JsonObject toJson() {
    return new JsonObject().put("timeoutMs", timeout.toMillis()).put("retryPolicy", retryPolicy.toJson());
  }

  public Duration getTimeout() {
    return timeout;
  }

  /** How long a run may take when its job sets no timeout of its own. */
  public HandlerOptions setTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be between 1 ms and ~24 days, got " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  public RetryPolicy getRetryPolicy() {
    return retryPolicy;
  }

  public HandlerOptions setRetryPolicy(RetryPolicy retryPolicy) {
    if (retryPolicy == null) {
      throw new IllegalArgumentException("retryPolicy must not be null");
    }
    this.retryPolicy = retryPolicy;
    return this;
  }
}
