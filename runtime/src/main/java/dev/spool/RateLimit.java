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

  /**
   * At most {@code count} starts in any window of {@code per}.
   *
   * @param count starts per window, at least 1
   * @param per the window, at least 1 ms
   * @return the limit
   */
  public static RateLimit of(int count, Duration per) {
    return new RateLimit(count, per);
  }

  /**
   * At most {@code count} starts in any second.
   *
   * @param count starts per second, at least 1
   * @return the limit
   */
  public static RateLimit perSecond(int count) {
    return new RateLimit(count, Duration.ofSeconds(1));
  }

  /**
   * At most {@code count} starts in any minute.
   *
   * @param count starts per minute, at least 1
   * @return the limit
   */
  public static RateLimit perMinute(int count) {
    return new RateLimit(count, Duration.ofMinutes(1));
  }

  /**
   * At most {@code count} starts in any hour.
   *
   * @param count starts per hour, at least 1
   * @return the limit
   */
  public static RateLimit perHour(int count) {
    return new RateLimit(count, Duration.ofHours(1));
  }

  /**
   * Reads {@code "COUNT/WINDOW"}, the window a duration such as {@code 1s}, {@code 500ms}, {@code 1m},
   * {@code 1h} or {@code 1d} (a bare unit means one of it: {@code "30/s"}).
   *
   * @param text the limit as text, such as {@code 10/1s}
   * @return the limit
   * @throws IllegalArgumentException when the text does not read so, or the count or window is out of range
   */
  public static RateLimit parse(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|m|h|d)\\s*")
        .matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("a rate limit reads like 10/1s, 100/1m or 5/500ms, got '" + text + "'");
    }
    long n = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    Duration per = switch (m.group(3)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    long count = Long.parseLong(m.group(1));
    return new RateLimit(count > MAX_COUNT ? MAX_COUNT + 1 : (int) count, per);
  }

  /**
   * Reads {@code {"count": N, "perMs": W}}.
   *
   * @param json the limit as {@link #toJson()} writes it
   * @return the limit
   */
  public static RateLimit fromJson(JsonObject json) {
    return new RateLimit(json.getInteger("count", 0), Duration.ofMillis(json.getLong("perMs", 0L)));
  }

  /** {@return this limit as {@code {"count": N, "perMs": W}}} */
  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("perMs", per.toMillis());
  }

  /** {@return the starts allowed per window} */
  public int count() {
    return count;
  }

  /** {@return the window} */
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
