package dev.spool.impl.config;

import dev.spool.HandlerOptions;
import dev.spool.PeriodicJob;
import dev.spool.RateLimit;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The type of a configuration key: how its text is read and how its value is written back. Every value
 * is read from its text as written (the scalar of the file, the variable, the flag), never from YAML's
 * own guess, so {@code on} stays a string and only {@code true}/{@code false} are booleans.
 */
public enum ValueType {
  /** A 32-bit integer. */
  INT,
  /** A 64-bit integer. */
  LONG,
  /** A decimal number. */
  DOUBLE,
  /** {@code true} or {@code false} (any case); YAML 1.1's {@code yes}/{@code on} are refused. */
  BOOLEAN,
  /** The text as written. */
  STRING,
  /** A {@link Durations duration}. */
  DURATION,
  /** A duration, or {@code forever} (read as null: keep forever). */
  DURATION_OR_FOREVER,
  /** A duration, or {@code off} (read as null: the check is off). */
  DURATION_OR_OFF,
  /** Strings: a list in the file, or comma-separated text. */
  LIST,
  /** File paths: like {@link #LIST}; relative ones in the file resolve against its folder. */
  PATHS,
  /** A {@link RateLimit}, {@code 10/1s}. */
  RATE,
  /** A {@link PeriodicJob.CatchUp}: {@code none}, {@code latest} or {@code all}, any case. */
  CATCH_UP,
  /** A {@link HandlerOptions.OnStuck}: {@code hold} or {@code release}, any case. */
  ON_STUCK,
  /** A {@link ZoneId} such as {@code UTC} or {@code Europe/Paris}. */
  ZONE,
  /** A JSON object: a mapping in the file, JSON text from the environment or a flag. */
  OBJECT;

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** True for the types whose file value is a YAML list. */
  public boolean isList() {
    return this == LIST || this == PATHS;
  }

  /**
   * Reads a value from its text.
   *
   * @throws IllegalArgumentException with a message fit to follow the key path
   */
  public Object parse(String text) {
    String t = text.trim();
    switch (this) {
      case INT:
        return (int) integer(t, text, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case LONG:
        return integer(t, text, Long.MIN_VALUE, Long.MAX_VALUE);
      case DOUBLE:
        if (!DECIMAL.matcher(t).matches()) {
          throw new IllegalArgumentException("expected a number, got '" + text + "'");
        }
        return Double.parseDouble(t);
      case BOOLEAN:
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("expected true or false, got '" + text + "'");
      case STRING:
        return text;
      case DURATION:
        return Durations.parse(t);
      case DURATION_OR_FOREVER:
        return t.equalsIgnoreCase("forever") ? null : Durations.parse(t);
      case DURATION_OR_OFF:
        return t.equalsIgnoreCase("off") ? null : Durations.parse(t);
      case LIST:
      case PATHS:
        return Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      case RATE:
        return RateLimit.parse(t);
      case CATCH_UP:
        try {
          return PeriodicJob.CatchUp.valueOf(t.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("expected none, latest or all, got '" + text + "'");
        }
      case ON_STUCK:
        try {
          return HandlerOptions.OnStuck.fromConfigName(t);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("expected hold or release, got '" + text + "'");
        }
      case ZONE:
        try {
          return ZoneId.of(t);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException("expected a time zone like UTC or Europe/Paris, got '" + text + "'");
        }
      case OBJECT:
        try {
          return new JsonObject(t);
        } catch (DecodeException | ClassCastException e) {
          throw new IllegalArgumentException("expected a JSON object, got '" + text + "'");
        }
      default:
        throw new IllegalStateException(name());
    }
  }

  /**
   * The value as it would be written in the file, fit for JSON: numbers, booleans and strings as they are,
   * durations and rates as text, lists as {@code List<String>}, objects as a copy.
   */
  public Object display(Object value) {
    if (value == null) {
      return switch (this) {
        case DURATION_OR_FOREVER -> "forever";
        case DURATION_OR_OFF -> "off";
        default -> null;
      };
    }
    return switch (this) {
      case DURATION, DURATION_OR_FOREVER, DURATION_OR_OFF -> Durations.format((Duration) value);
      case RATE -> ((RateLimit) value).count() + "/" + Durations.format(((RateLimit) value).per());
      case CATCH_UP -> ((PeriodicJob.CatchUp) value).name().toLowerCase(Locale.ROOT);
      case ON_STUCK -> ((HandlerOptions.OnStuck) value).configName();
      case ZONE -> ((ZoneId) value).getId();
      case OBJECT -> ((JsonObject) value).copy();
      case LIST, PATHS -> List.copyOf(castList(value));
      default -> value;
    };
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }

  private static long integer(String t, String text, long min, long max) {
    if (INTEGER.matcher(t).matches()) {
      try {
        long n = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // too long for a long: reported as out of range below
      }
      throw new IllegalArgumentException("the integer is out of range, got '" + text + "'");
    }
    throw new IllegalArgumentException("expected an integer, got '" + text + "'");
  }
}
