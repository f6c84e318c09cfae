package dev.spool.impl.config;

import dev.spool.impl.config.Schema.Group;
import dev.spool.impl.config.Schema.Leaf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment variables and flags over the file. A variable is {@code SPOOL_} and the key path in upper
 * snake case; an entry of {@code queues}, {@code tasks} or {@code periodic} is
 * {@code SPOOL_<SECTION>_<NAME>_<KEY>}, split at the longest key the section knows. A flag is the key path.
 */
public final class Overrides {

  /** {@code SPOOL_*} variables Spool reads for other purposes: never reported as unused. */
  public static final Set<String> NOT_CONFIG = Set.of("SPOOL_TEST_DATABASE_URL", "SPOOL_REQUIRE_BROWSER", "SPOOL_CONFIG");

  private static final String PREFIX = "SPOOL_";
  private static final Map<String, String> FIXED_BY_ENV = new HashMap<>();
  private static final Pattern INDEXED = Pattern.compile("periodic\\[(\\d+)]\\.(.+)");

  static {
    Schema.fixedLeaves().keySet().forEach(path -> FIXED_BY_ENV.put(Schema.upperSnake(path), path));
  }

  /** A key an override sets: its path and type, and for a map entry its section and name. */
  private record Target(String path, Leaf leaf, String section, String name) {}

  private Overrides() {}

  /**
   * Applies the {@code SPOOL_*} variables, in name order.
   *
   * @return the {@code SPOOL_*} variables that name no key, sorted (not an error: a variable of a newer
   *     or older Spool must not stop this one)
   */
  public static List<String> applyEnv(Settings settings, Map<String, String> env) {
    List<String> unused = new ArrayList<>();
    new TreeMap<>(env).forEach((variable, text) -> {
      if (!variable.startsWith(PREFIX) || NOT_CONFIG.contains(variable)) {
        return;
      }
      Target target = envTarget(settings, variable.substring(PREFIX.length()));
      if (target == null) {
        unused.add(variable);
      } else if (text != null && !text.isBlank()) { // an empty variable counts as unset, as in compose files
        apply(settings, target, text, Origin.env(variable));
      }
    });
    return List.copyOf(unused);
  }

  /**
   * Applies flags, given as key path to text; a flag is named {@code --<path>} in messages unless
   * {@code flagNames} names it otherwise (the CLI's own {@code --concurrency}).
   *
   * @throws dev.spool.config.ConfigException for a path that names no key, or a value its key refuses
   */
  public static void applyFlags(Settings settings, Map<String, String> flags, Map<String, String> flagNames) {
    flags.forEach((path, text) -> {
      Origin origin = Origin.flag(flagNames.getOrDefault(path, "--" + path));
      Target target = flagTarget(settings, path);
      if (target == null) {
        throw origin.error(path, Suggest.unknownPath(path));
      }
      apply(settings, target, text == null ? "" : text, origin);
    });
  }

  private static void apply(Settings settings, Target target, String text, Origin origin) {
    settings.override(target.path(), target.leaf(), text, origin);
    if (target.section() != null && !target.section().equals("periodic")) {
      settings.addName(target.section(), target.name(), origin);
    }
  }

  private static Target envTarget(Settings settings, String rest) {
    String path = FIXED_BY_ENV.get(rest);
    if (path != null) {
      return new Target(path, Schema.fixedLeaves().get(path), null, null);
    }
    for (String section : List.of("queues", "tasks", "periodic")) {
      String head = Schema.upperSnake(section) + "_";
      if (rest.startsWith(head)) {
        return entryTarget(settings, section, rest.substring(head.length()), true);
      }
    }
    return null;
  }

  private static Target flagTarget(Settings settings, String path) {
    if (Schema.fixedLeaves().containsKey(path)) {
      return new Target(path, Schema.fixedLeaves().get(path), null, null);
    }
    Matcher indexed = INDEXED.matcher(path);
    if (indexed.matches()) {
      int index = Integer.parseInt(indexed.group(1));
      Leaf leaf = entryKeys("periodic").get(indexed.group(2));
      return index < settings.listSize("periodic") && leaf != null && !indexed.group(2).equals("name")
          ? new Target(path, leaf, "periodic", null) : null;
    }
    for (String section : List.of("queues", "tasks", "periodic")) {
      if (path.startsWith(section + ".")) {
        return entryTarget(settings, section, path.substring(section.length() + 1), false);
      }
    }
    return null;
  }

  /**
   * Splits {@code <NAME>_<KEY>} (or {@code <name>.<key>} for a flag) at a key of the section, longest
   * first, so {@code EMAIL_GLOBAL_CONCURRENCY} is queue EMAIL's globalConcurrency, not queue
   * EMAIL_GLOBAL's concurrency; a split whose name is an entry that exists wins over a longer one.
   */
  private static Target entryTarget(Settings settings, String section, String rest, boolean env) {
    Map<String, Leaf> keys = entryKeys(section);
    List<String> relatives = new ArrayList<>(keys.keySet());
    relatives.sort(Comparator.comparingInt((String rel) -> Schema.upperSnake(rel).length()).reversed());
    Target fallback = null;
    for (String rel : relatives) {
      String suffix = env ? "_" + Schema.upperSnake(rel) : "." + rel;
      if (!rest.endsWith(suffix) || rest.length() == suffix.length() || (section.equals("periodic") && rel.equals("name"))) {
        continue;
      }
      String name = rest.substring(0, rest.length() - suffix.length());
      if (section.equals("periodic")) {
        int index = periodicIndex(settings, name, env);
        if (index >= 0) {
          return new Target("periodic[" + index + "]." + rel, keys.get(rel), section, null);
        }
        continue; // an env variable or flag cannot add a periodic job: it needs a schedule and a task
      }
      String existing = existingName(settings, section, name, env);
      if (existing != null) {
        return new Target(section + "." + existing + "." + rel, keys.get(rel), section, existing);
      }
      if (fallback == null) {
        String created = env ? name.toLowerCase(Locale.ROOT) : name;
        fallback = new Target(section + "." + created + "." + rel, keys.get(rel), section, created);
      }
    }
    return fallback;
  }

  private static String existingName(Settings settings, String section, String name, boolean env) {
    for (String existing : settings.names(section)) {
      if (env ? Schema.upperSnake(existing).equals(name) : existing.equals(name)) {
        return existing;
      }
    }
    return null;
  }

  private static int periodicIndex(Settings settings, String name, boolean env) {
    for (int i = 0; i < settings.listSize("periodic"); i++) {
      Settings.Setting s = settings.get("periodic[" + i + "].name");
      if (s != null && s.value() != null
          && (env ? Schema.upperSnake((String) s.value()).equals(name) : s.value().equals(name))) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Leaf> entryKeys(String section) {
    Schema.Shape shape = Schema.ROOT.children().get(section);
    Group entry = shape instanceof Schema.NamedMap map ? map.entry() : ((Schema.ListOf) shape).entry();
    return Schema.leaves(entry, "");
  }
}
