package dev.spool.impl.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a configuration file: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 7d}, or combined from the largest unit down, {@code 1h30m}. A bare number is refused
 * rather than guessed at: {@code timeout: 30} could mean seconds or milliseconds.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d{1,12})(ms|d|h|m|s)");
  private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");
  private static final String FORMS = "like 500ms, 30s, 5m, 1h, 7d or 1h30m";

  private Durations() {}

  /**
   * Reads a duration.
   *
   * @throws IllegalArgumentException with a message fit to follow the key path
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (BARE_NUMBER.matcher(t).matches()) {
      if (t.startsWith("-")) {
        throw new IllegalArgumentException("a duration must not be negative, got '" + text + "'");
      }
      throw new IllegalArgumentException("a duration needs a unit, like 30s, got '" + text + "'");
    }
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("a duration must not be negative, got '" + text + "'");
    }
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    int lastRank = -1;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        throw bad(text);
      }
      int rank = rank(m.group(2));
      if (rank <= lastRank) {
        throw bad(text); // 30m1h or 1h1h: almost certainly a typo
      }
      lastRank = rank;
      total = total.plus(unit(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
      at = m.end();
    }
    if (at == 0) {
      throw bad(text);
    }
    return total;
  }

  /** Writes a duration the way {@link #parse} reads it, largest unit first: {@code 1h30m}, {@code 0s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      long n = ms / sizes[i];
      if (n > 0) {
        out.append(n).append(units[i]);
        ms -= n * sizes[i];
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("expected a duration " + FORMS + ", got '" + text + "'");
  }

  private static int rank(String unit) {
    return switch (unit) {
      case "d" -> 0;
      case "h" -> 1;
      case "m" -> 2;
      case "s" -> 3;
      default -> 4;
    };
  }

  private static Duration unit(String unit) {
    return switch (unit) {
      case "d" -> Duration.ofDays(1);
      case "h" -> Duration.ofHours(1);
      case "m" -> Duration.ofMinutes(1);
      case "s" -> Duration.ofSeconds(1);
      default -> Duration.ofMillis(1);
    };
  }
}
