package dev.spool.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of one {@code worker} process apart from its run log: every line kept for its log file, and its
 * error and warning records counted, a few kept as samples. A record is java.util.logging's (a header line, then
 * {@code LEVEL: message}, then any stack trace) or an SLF4J {@code ERROR} line; an exception printed on its own
 * counts as an error, one inside a WARNING record (Vert.x's blocked-thread warning carries one) as that warning.
 * Read by one thread.
 */
final class WorkerLog {

  private static final Pattern LEVEL = Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): ");
  /** The first line of an exception (not a stack frame, not a cause). */
  private static final Pattern EXCEPTION = Pattern.compile("^[^\\s].*(Exception|Error)\\b");
  private static final int SAMPLES = 10;

  private final String who;
  private final List<String> lines = new ArrayList<>();
  private final List<String> samples = new ArrayList<>();
  private long errors;
  private long warnings;
  /** The level of the record whose lines are being read; null outside one. */
  private String level;

  /** A log whose samples start with {@code who} (the release and the node id). */
  WorkerLog(String who) {
    this.who = who;
  }

  synchronized void line(String line) {
    lines.add(line);
    Matcher levelLine = LEVEL.matcher(line);
    if (levelLine.find()) {
      level = levelLine.group(1);
      if (level.equals("SEVERE")) {
        errors += sample(line);
      } else if (level.equals("WARNING")) {
        warnings += sample(line);
      }
    } else if (line.startsWith("ERROR") || line.contains(" ERROR ")) {
      errors += sample(line);
    } else if (EXCEPTION.matcher(line).find() && !line.startsWith("Caused by")) {
      if (level == null) {
        errors += sample(line);
      }
    } else if (!line.startsWith("\t") && !line.startsWith("Caused by") && !line.startsWith("...")) {
      level = null; // a record's header or any other line: an exception after it is not the record's
    }
  }

  private int sample(String line) {
    if (samples.size() < SAMPLES) {
      samples.add(who + ": " + (line.length() > 300 ? line.substring(0, 300) : line));
    }
    return 1;
  }

  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  synchronized long errors() {
    return errors;
  }

  synchronized long warnings() {
    return warnings;
  }

  synchronized List<String> samples() {
    return new ArrayList<>(samples);
  }
}
