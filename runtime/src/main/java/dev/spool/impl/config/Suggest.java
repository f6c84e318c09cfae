package dev.spool.impl.config;

import java.util.Collection;
import java.util.Locale;

/** The "did you mean" of an unknown key: a close sibling, or the same key in another section. */
final class Suggest {

  private Suggest() {}

  /**
   * The message for an unknown key.
   *
   * @param prefix   the path of the mapping it is in ({@code worker}), empty at the top
   * @param key      the unknown key
   * @param siblings the keys that mapping allows
   */
  static String unknownKey(String prefix, String key, Collection<String> siblings) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : siblings) {
      int d = distance(normalize(key), normalize(candidate));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, key.length() / 4)) {
      return "unknown key (did you mean " + join(prefix, best) + "?)";
    }
    // a key put in the wrong section, say worker.poolSize for database.poolSize
    for (String path : Schema.fixedLeaves().keySet()) {
      String last = path.substring(path.lastIndexOf('.') + 1);
      if (normalize(last).equals(normalize(key)) && !path.equals(join(prefix, key))) {
        return "unknown key (did you mean " + path + "?)";
      }
    }
    return "unknown key";
  }

  /** The message for a key path (a flag's) that names no key, with the siblings of its last key. */
  static String unknownPath(String path) {
    int dot = path.lastIndexOf('.');
    String prefix = dot < 0 ? "" : path.substring(0, dot);
    Collection<String> siblings = prefix.isEmpty() ? Schema.ROOT.children().keySet()
        : Schema.fixedLeaves().keySet().stream().filter(p -> p.lastIndexOf('.') == prefix.length() && p.startsWith(prefix))
            .map(p -> p.substring(prefix.length() + 1)).toList();
    return unknownKey(prefix, path.substring(dot + 1), siblings);
  }

  private static String join(String prefix, String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  // batch_size, batch-size and batchsize all mean batchSize
  private static String normalize(String key) {
    return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
