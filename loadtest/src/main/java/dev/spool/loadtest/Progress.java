package dev.spool.loadtest;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress lines for a person watching a run, on stderr so that stdout stays one JSON line. Quiet in
 * {@code --json} mode, where a script reads the result and nobody reads the lines.
 */
final class Progress {

  private final PrintWriter err;
  private final long startNanos = System.nanoTime();

  private Progress(PrintWriter err) {
    this.err = err;
  }

  static Progress to(PrintWriter err) {
    return new Progress(err);
  }

  static Progress quiet() {
    return new Progress(null);
  }

  boolean isQuiet() {
    return err == null;
  }

  /** One line, prefixed with the seconds since the command started. */
  void line(String format, Object... args) {
    if (err != null) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      err.printf(Locale.ROOT, "[%6.1f s] %s%n", seconds, String.format(Locale.ROOT, format, args));
      err.flush();
    }
  }
}
