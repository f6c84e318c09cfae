package dev.spool.testing;

import java.util.Map;
import java.util.TreeMap;

/** Reads samples out of Prometheus text exposition, for assertions. */
public final class Prometheus {

  private Prometheus() {}

  /**
   * The value of the sample {@code name} whose labels include every given {@code label=value} pair, summed
   * over the samples that match (so leaving a label out adds its series); NaN when none matches.
   */
  public static double value(String text, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String sample = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
      if (!sample.equals(name)) {
        continue;
      }
      Map<String, String> have = brace >= 0 ? labels(line.substring(brace + 1, line.lastIndexOf('}'))) : Map.of();
      boolean matches = true;
      for (String label : labels) {
        String[] kv = label.split("=", 2);
        if (!kv[1].equals(have.get(kv[0]))) {
          matches = false;
          break;
        }
      }
      if (matches) {
        found = true;
        sum += Double.parseDouble(line.substring(space + 1));
      }
    }
    return found ? sum : Double.NaN;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new TreeMap<>();
    for (String pair : text.split("\",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=\"", 2);
      labels.put(kv[0].trim(), kv[1].replaceAll("\"$", ""));
    }
    return labels;
  }
}
