package dev.spool.impl.config;

import dev.spool.config.ConfigEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The effective configuration as {@code config show} prints it: entries and a JSON tree, secrets masked. */
public final class Report {

  /** What a secret shows instead of itself. */
  public static final String MASK = "****";

  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)((?:^|[?&;\\s])password=)[^&\\s]*");

  private Report() {}

  /** One entry per leaf, in schema order. */
  public static List<ConfigEntry> entries(List<Settings.Item> items) {
    List<ConfigEntry> out = new ArrayList<>();
    for (Settings.Item item : items) {
      out.add(new ConfigEntry(item.path(), value(item, true), item.origin().source(), item.origin().detail(),
          item.leaf().secret()));
    }
    return List.copyOf(out);
  }

  /** The nested tree in the file's shape; it reads back as the same configuration when not masked. */
  public static JsonObject toJson(List<Settings.Item> items, boolean masked) {
    JsonObject root = new JsonObject();
    for (Settings.Item item : items) {
      Object container = root;
      List<Object> segments = item.segments();
      for (int i = 0; i < segments.size() - 1; i++) {
        Object child = get(container, segments.get(i));
        if (child == null) {
          child = segments.get(i + 1) instanceof Integer ? new JsonArray() : new JsonObject();
          put(container, segments.get(i), child);
        }
        container = child;
      }
      Object value = value(item, masked);
      put(container, segments.get(segments.size() - 1), value instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : value);
    }
    return root;
  }

  /**
   * A database URL as it may be shown: its password replaced by {@link #MASK}, in the user info
   * ({@code postgresql://app:****@db/jobs}) or a {@code password=} parameter; the rest is no secret.
   */
  public static String maskUrl(String url) {
    String out = url;
    int scheme = out.indexOf("://");
    int at = out.lastIndexOf('@'); // an unencoded @ may be in the password; the last one ends the user info
    if (scheme >= 0 && at > scheme) {
      int colon = out.indexOf(':', scheme + 3);
      if (colon >= 0 && colon < at) {
        // should the last @ be a query's, this masks too much rather than too little
        out = out.substring(0, colon + 1) + MASK + out.substring(at);
      }
    }
    return PARAM_PASSWORD.matcher(out).replaceAll("$1" + MASK);
  }

  private static Object value(Settings.Item item, boolean masked) {
    Object shown = item.leaf().type().display(item.value());
    if (!masked || !item.leaf().secret() || shown == null) {
      return shown;
    }
    return item.path().equals("database.url") ? maskUrl(shown.toString()) : MASK;
  }

  private static Object get(Object container, Object key) {
    if (container instanceof JsonObject o) {
      return o.getValue((String) key);
    }
    JsonArray a = (JsonArray) container;
    int index = (Integer) key;
    return index < a.size() ? a.getValue(index) : null;
  }

  private static void put(Object container, Object key, Object value) {
    if (container instanceof JsonObject o) {
      o.put((String) key, value);
    } else {
      ((JsonArray) container).add(value); // items are walked in order, so the index is always the next one
    }
  }
}
