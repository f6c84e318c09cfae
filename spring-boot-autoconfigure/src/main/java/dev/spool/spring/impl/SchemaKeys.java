package dev.spool.spring.impl;

import dev.spool.config.ConfigKey;
import dev.spool.config.SpoolConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The keys of Spool's configuration model ({@link SpoolConfig#keys()}) by their relaxed form, lower case
 * without dashes, so {@code batch-size}, {@code batchSize} and {@code batchsize} all find {@code batchSize}.
 */
final class SchemaKeys {

  /** A key of one section: its path relative to the section as the schema spells it, and its type. */
  record Key(String path, String type) {}

  /** The keys outside queues, tasks and periodic, by relaxed path ({@code worker.batchsize}). */
  static final Map<String, Key> FIXED = new LinkedHashMap<>();
  /** The keys of one entry of each of {@code queues}, {@code tasks}, {@code periodic}, by relaxed relative path. */
  static final Map<String, Map<String, Key>> ENTRIES = new LinkedHashMap<>();

  static {
    for (ConfigKey key : SpoolConfig.keys()) {
      String path = key.path();
      int star = path.indexOf('*');
      if (star < 0) {
        FIXED.put(relaxed(path), new Key(path, key.type()));
      } else {
        String section = path.substring(0, path.indexOf(path.charAt(star - 1) == '[' ? '[' : '.'));
        String rel = path.substring(path.indexOf('.', star) + 1);
        ENTRIES.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(relaxed(rel), new Key(rel, key.type()));
      }
    }
  }

  private SchemaKeys() {}

  /** A path in relaxed form: lower case, without dashes or underscores. */
  static String relaxed(String path) {
    return path.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** A schema path in Spring's canonical (kebab-case) form: {@code worker.batchSize} is {@code worker.batch-size}. */
  static String kebab(String path) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(path.charAt(i - 1))) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A kebab-case name in the schema's camelCase: {@code batch-size} is {@code batchSize}. */
  static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '-') {
        upper = out.length() > 0;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
