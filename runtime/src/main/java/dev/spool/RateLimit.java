package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code count} job starts in any window of {@code per}, across all workers: the claims of a
 * limited queue or task are logged in the database and a claim takes no more than the log allows. For
 * example {@code RateLimit.perSecond(30)} or {@code RateLimit.of(10, Duration.ofMinutes(1))}.
 */
public final class RateLimit {

  /** The largest count per window (the log holds one timestamp per start in the window). */
  public static final int MAX_COUNT = 10_000;

  private final int count;
  private final Duration per;

  private RateLimit(int count, Duration per) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("a rate limit allows 1.." + MAX_COUNT + " starts per window, got " + count);
    }
    if (per == null || per.toMillis() < 1) {
      throw new IllegalArgumentException("a rate limit's window must be at least 1 ms, got " + per);
    }
    this.count = count;
    this.per = per;
  }

  /** At most {@code count} starts in any window of {@code per}. */
  public static RateLimit of(int count, Duration per) {
    return new RateLimit(count, per);
  }

  public static RateLimit perSecond(int count) {
    return new RateLimit(count, Duration.ofSeconds(1));
  }

  public static RateLimit perMinute(int count) {
    return new RateLimit(count, Duration.ofMinutes(1));
  }

  public static RateLimit perHour(int count) {
    return new RateLimit(count, Duration.ofHours(1));
  }

  /** Reads {@code {"count": N, "perMs": W}}. */
  public static RateLimit fromJson(JsonObject json) {
    return new RateLimit(json.getInteger("count", 0), Duration.ofMillis(json.getLong("perMs", 0L)));
  }

  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("perMs", per.toMillis());
  }

  public int count() {
    return count;
  }

  public Duration per() {
    return per;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimit r && r.count == count && r.per.equals(per);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, per);
  }

  @Override
  public String toString() {
    return count + " per " + per;
  }
}
