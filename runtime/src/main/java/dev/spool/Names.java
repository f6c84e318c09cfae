package dev.spool;

/**
 * The one rule for queue names, task names and unique keys, wherever they come from (code, the
 * configuration, the admin API's filters, the CLI; the SQL function {@code enqueue} applies the same):
 * 1 to {@link #MAX_LENGTH} characters, not blank, no control characters. A name no worker could be
 * configured with would make a job that waits forever, and PostgreSQL refuses a NUL in text outright.
 */
final class Names {

  static final int MAX_LENGTH = 200;

  private Names() {}

  /** {@code value} when it is a valid name; else an {@link IllegalArgumentException} naming {@code what}. */
  static String check(String what, String value) {
    if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(what + " must be 1.." + MAX_LENGTH + " characters, got: '" + shown(value) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " must not contain control characters, got: '" + shown(value) + "'");
      }
    }
    return value;
  }

  /** A name as an error message shows it: control characters escaped, long ones cut. */
  private static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 60; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return value.length() > 60 ? out + "..." : out.toString();
  }
}
