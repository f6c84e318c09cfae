package dev.spool.spring.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nested mapping of {@code spool.*} properties in the shape of {@code spool.yaml}: keys are Strings,
 * list positions Integers; a level whose keys are all positions becomes a list, in position order.
 */
final class PropertyTree {

  private final Map<Object, Object> root = new TreeMap<>(PropertyTree::compare);

  /** Puts {@code value} at the path; a value already there (from a higher-precedence source) stays. */
  @SuppressWarnings("unchecked")
  void put(List<Object> segments, Object value) {
    Map<Object, Object> level = root;
    for (int i = 0; i < segments.size() - 1; i++) {
      Object next = level.computeIfAbsent(segments.get(i), k -> new TreeMap<>(PropertyTree::compare));
      if (!(next instanceof Map)) {
        return; // a value and a mapping at one key: the value (from the higher-precedence source) wins
      }
      level = (Map<Object, Object>) next;
    }
    level.putIfAbsent(segments.get(segments.size() - 1), value);
  }

  /** Whether something is set at the path (a value or a mapping). */
  @SuppressWarnings("unchecked")
  boolean has(List<Object> segments) {
    Object level = root;
    for (Object segment : segments) {
      if (!(level instanceof Map) || !((Map<Object, Object>) level).containsKey(segment)) {
        return false;
      }
      level = ((Map<Object, Object>) level).get(segment);
    }
    return true;
  }

  JsonObject toJson() {
    return (JsonObject) convert(root);
  }

  @SuppressWarnings("unchecked")
  private static Object convert(Object node) {
    if (!(node instanceof Map)) {
      return node;
    }
    Map<Object, Object> map = (Map<Object, Object>) node;
    if (!map.isEmpty() && map.keySet().stream().allMatch(k -> k instanceof Integer)) {
      JsonArray list = new JsonArray();
      map.values().forEach(v -> list.add(convert(v)));
      return list;
    }
    JsonObject object = new JsonObject();
    map.forEach((k, v) -> object.put(String.valueOf(k), convert(v)));
    return object;
  }

  // positions in number order before names; names in insertion-independent, stable order
  private static int compare(Object a, Object b) {
    if (a instanceof Integer x && b instanceof Integer y) {
      return Integer.compare(x, y);
    }
    if (a instanceof Integer) {
      return -1;
    }
    if (b instanceof Integer) {
      return 1;
    }
    return ((String) a).compareTo((String) b);
  }
}
