package dev.spool.impl.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A configuration file as a tree of text that remembers lines: what YAML and JSON have in common once
 * read, so both are checked by the same code. Scalars keep their text as written; the key's type reads it.
 */
public final class ConfigTree {

  /** A value in the tree. */
  public sealed interface Node permits Scalar, Mapping, Sequence {
    /** Its line in the file, from 1; null when the source has no lines (JSON). */
    Integer line();

    /** {@code a mapping}, {@code a list} or {@code a value}, for messages. */
    String kind();
  }

  /**
   * A scalar value.
   *
   * @param text  the text as written; null for a null (an empty value, {@code ~}, {@code null})
   * @param plain true when unquoted: only plain scalars may be numbers, booleans or null inside {@code args}
   * @param line  its line, or null
   */
  public record Scalar(String text, boolean plain, Integer line) implements Node {
    @Override
    public String kind() {
      return "a value";
    }
  }

  /**
   * A mapping.
   *
   * @param entries  its values by key, in file order
   * @param keyLines the line of each key, for errors about the key itself
   * @param line     the line where it starts
   */
  public record Mapping(Map<String, Node> entries, Map<String, Integer> keyLines, Integer line) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A list. */
  public record Sequence(List<Node> items, Integer line) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private ConfigTree() {}

  /** A JsonObject as a tree without lines: numbers and booleans become plain scalars, strings quoted ones. */
  public static Mapping fromJson(JsonObject json) {
    Map<String, Node> entries = new LinkedHashMap<>();
    json.forEach(e -> entries.put(e.getKey(), node(e.getValue())));
    return new Mapping(Collections.unmodifiableMap(entries), Map.of(), null);
  }

  private static Node node(Object value) {
    if (value instanceof JsonObject o) {
      return fromJson(o);
    }
    if (value instanceof Map<?, ?> m) {
      return fromJson(new JsonObject(castMap(m)));
    }
    if (value instanceof JsonArray a) {
      List<Node> items = new ArrayList<>();
      a.forEach(item -> items.add(node(item)));
      return new Sequence(List.copyOf(items), null);
    }
    if (value instanceof List<?> l) {
      return node(new JsonArray(new ArrayList<>(l)));
    }
    if (value == null) {
      return new Scalar(null, true, null);
    }
    return new Scalar(String.valueOf(value), value instanceof Number || value instanceof Boolean, null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /**
   * A mapping as a JsonObject, for free-form values ({@code args}). Plain scalars are read as JSON would
   * read them ({@code true}, {@code false}, {@code null}, numbers); everything else stays a string, so
   * YAML 1.1's {@code yes}, {@code on} or {@code 0x1F} do not turn into something else.
   */
  public static JsonObject toJsonObject(Mapping mapping) {
    JsonObject out = new JsonObject();
    mapping.entries().forEach((key, value) -> out.put(key, toJsonValue(value)));
    return out;
  }

  private static Object toJsonValue(Node node) {
    if (node instanceof Mapping m) {
      return toJsonObject(m);
    }
    if (node instanceof Sequence s) {
      JsonArray out = new JsonArray();
      s.items().forEach(item -> out.add(toJsonValue(item)));
      return out;
    }
    Scalar scalar = (Scalar) node;
    String text = scalar.text();
    if (text == null || !scalar.plain()) {
      return text;
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        long n = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        return n == (int) n ? (Object) (int) n : (Object) n;
      } catch (NumberFormatException e) {
        return text; // beyond a long: kept as written rather than rounded
      }
    }
    if (DECIMAL.matcher(text).matches()) {
      return Double.parseDouble(text);
    }
    return text;
  }
}
