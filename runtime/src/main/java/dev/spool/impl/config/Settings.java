package dev.spool.impl.config;

import dev.spool.config.ConfigSource;
import dev.spool.impl.config.ConfigTree.Mapping;
import dev.spool.impl.config.ConfigTree.Node;
import dev.spool.impl.config.ConfigTree.Scalar;
import dev.spool.impl.config.ConfigTree.Sequence;
import dev.spool.impl.config.Schema.Group;
import dev.spool.impl.config.Schema.Leaf;
import dev.spool.impl.config.Schema.ListOf;
import dev.spool.impl.config.Schema.NamedMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values that were set, by key path, each with where it came from. Filled from the file's tree, then
 * overridden by the environment and flags; what nothing set reads as the schema's default.
 */
public final class Settings {

  /**
   * One key's value.
   *
   * @param leaf        the key's type and default
   * @param value       the value as its type reads it (a Duration, a List, ...); null for forever/off/unset
   * @param origin      where it came from
   * @param itemOrigins for a list from the file, where each item is (for errors about one item); else null
   */
  public record Setting(Leaf leaf, Object value, Origin origin, List<Origin> itemOrigins) {}

  /**
   * A leaf of the effective configuration, in schema order.
   *
   * @param segments the keys (and list indexes) leading to it, for a nested JSON tree
   * @param path     its path
   * @param leaf     its type and default
   * @param value    the effective value (read type)
   * @param origin   where it came from ({@link Origin#DEFAULT} when nothing set it)
   */
  public record Item(List<Object> segments, String path, Leaf leaf, Object value, Origin origin) {}

  private final Map<String, Setting> values = new HashMap<>();
  /** Where each mapping, named entry and list item starts, for errors about it as a whole. */
  private final Map<String, Origin> places = new HashMap<>();
  /** The names of the entries of queues and tasks, in the order they were first seen. */
  private final Map<String, Map<String, Origin>> names = new HashMap<>();
  private final Map<String, Integer> listSizes = new HashMap<>();

  /**
   * Takes the values of a file's tree.
   *
   * @param root   the tree; null for an empty file
   * @param file   the file as named, null for a JsonObject
   * @param folder what relative paths in it resolve against, or null to leave them as written
   */
  public void readFile(Node root, String file, Path folder) {
    if (root == null || (root instanceof Scalar s && s.text() == null)) {
      return;
    }
    if (!(root instanceof Mapping mapping)) {
      throw Origin.file(file, root.line()).error(null, "expected a mapping of sections (database:, worker:, ...), got "
          + root.kind());
    }
    readGroup(mapping, Schema.ROOT, "", file, folder);
  }

  private void readGroup(Mapping mapping, Group group, String prefix, String file, Path folder) {
    mapping.entries().forEach((key, node) -> {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Integer keyLine = mapping.keyLines().get(key);
      Origin at = Origin.file(file, keyLine != null ? keyLine : node.line());
      Schema.Shape shape = group.children().get(key);
      if (shape == null) {
        throw at.error(path, Suggest.unknownKey(prefix, key, group.children().keySet()));
      }
      if (shape instanceof Leaf leaf) {
        readLeaf(node, path, leaf, at, folder);
      } else if (shape instanceof Group child) {
        Mapping m = mapping(node, path, at);
        if (m != null) {
          places.put(path, at);
          readGroup(m, child, path, file, folder);
        }
      } else if (shape instanceof NamedMap map) {
        Mapping m = mapping(node, path, at);
        if (m != null) {
          places.put(path, at);
          readNamed(m, map.entry(), key, path, file, folder);
        }
      } else {
        readList(node, ((ListOf) shape).entry(), path, at, file, folder);
      }
    });
  }

  private void readNamed(Mapping mapping, Group entry, String section, String path, String file, Path folder) {
    mapping.entries().forEach((name, node) -> {
      String entryPath = path + "." + name;
      Integer keyLine = mapping.keyLines().get(name);
      Origin at = Origin.file(file, keyLine != null ? keyLine : node.line());
      addName(section, name, at);
      Mapping m = mapping(node, entryPath, at);
      if (m != null) {
        readGroup(m, entry, entryPath, file, folder);
      }
    });
  }

  private void readList(Node node, Group entry, String path, Origin at, String file, Path folder) {
    if (node instanceof Scalar s && s.text() == null) {
      return;
    }
    if (!(node instanceof Sequence sequence)) {
      throw at.error(path, "expected a list, got " + node.kind());
    }
    for (int i = 0; i < sequence.items().size(); i++) {
      Node item = sequence.items().get(i);
      String itemPath = path + "[" + i + "]";
      Origin itemAt = at.atLine(item.line());
      if (!(item instanceof Mapping m)) {
        throw itemAt.error(itemPath, "expected a mapping, got " + (item instanceof Scalar s && s.text() == null
            ? "nothing" : item.kind()));
      }
      places.put(itemPath, itemAt);
      readGroup(m, entry, itemPath, file, folder);
    }
    listSizes.put(path, sequence.items().size());
  }

  /** The node as a mapping; null for a null value (an empty section counts as absent). */
  private static Mapping mapping(Node node, String path, Origin at) {
    if (node instanceof Scalar s && s.text() == null) {
      return null;
    }
    if (!(node instanceof Mapping m)) {
      throw at.error(path, "expected a mapping, got " + node.kind());
    }
    return m;
  }

  private void readLeaf(Node node, String path, Leaf leaf, Origin at, Path folder) {
    if (node instanceof Scalar s && s.text() == null) {
      return; // `key:` or `key: ~` sets nothing: the default stands
    }
    ValueType type = leaf.type();
    if (type.isList() && node instanceof Sequence sequence) {
      List<String> items = new ArrayList<>();
      List<Origin> itemOrigins = new ArrayList<>();
      for (Node item : sequence.items()) {
        Origin itemAt = at.atLine(item.line());
        if (!(item instanceof Scalar s) || s.text() == null) {
          throw itemAt.error(path + "[" + items.size() + "]", "expected a value, got "
              + (item instanceof Scalar ? "nothing" : item.kind()));
        }
        items.add(type == ValueType.PATHS ? resolve(s.text().trim(), folder) : s.text().trim());
        itemOrigins.add(itemAt);
      }
      values.put(path, new Setting(leaf, List.copyOf(items), at, List.copyOf(itemOrigins)));
    } else if (type == ValueType.OBJECT) {
      if (!(node instanceof Mapping m)) {
        throw at.error(path, "expected a mapping, got " + node.kind());
      }
      values.put(path, new Setting(leaf, ConfigTree.toJsonObject(m), at, null));
    } else if (node instanceof Scalar s) {
      Object value = parse(leaf, s.text(), path, at);
      if (type == ValueType.PATHS) {
        value = ((List<?>) value).stream().map(p -> resolve((String) p, folder)).toList();
      }
      values.put(path, new Setting(leaf, value, at, null));
    } else {
      throw at.error(path, "expected " + (type.isList() ? "a list" : "a value") + ", got " + node.kind());
    }
  }

  private static String resolve(String path, Path folder) {
    return folder == null ? path : folder.resolve(path).normalize().toString();
  }

  private static Object parse(Leaf leaf, String text, String path, Origin origin) {
    try {
      return leaf.type().parse(text);
    } catch (IllegalArgumentException e) {
      throw origin.error(path, e.getMessage(), e);
    }
  }

  /** Sets a key from text (an environment variable, a flag), over whatever the file said. */
  public void override(String path, Leaf leaf, String text, Origin origin) {
    values.put(path, new Setting(leaf, parse(leaf, text, path, origin), origin, null));
  }

  /** Records an entry of {@code queues} or {@code tasks}; the first place that named it is kept. */
  public void addName(String section, String name, Origin origin) {
    names.computeIfAbsent(section, k -> new LinkedHashMap<>()).putIfAbsent(name, origin);
    places.putIfAbsent(section + "." + name, origin);
  }

  /** The entry names of {@code queues} or {@code tasks}, in the order first seen. */
  public List<String> names(String section) {
    return List.copyOf(names.getOrDefault(section, Map.of()).keySet());
  }

  /** The number of items of a list section ({@code periodic}). */
  public int listSize(String path) {
    return listSizes.getOrDefault(path, 0);
  }

  /** The setting at {@code path}, or null when nothing set it. */
  public Setting get(String path) {
    return values.get(path);
  }

  /** Where the mapping, entry or list item at {@code path} starts; {@link Origin#DEFAULT} when unknown. */
  public Origin place(String path) {
    return places.getOrDefault(path, Origin.DEFAULT);
  }

  /**
   * Where to point for a problem with {@code path}: where its value came from, or when nothing set it (a
   * default, or a mapping), where the nearest enclosing entry or section starts; {@link Origin#DEFAULT}
   * when nothing set any of it.
   */
  public Origin origin(String path) {
    Setting s = values.get(path);
    if (s != null) {
      return s.origin();
    }
    for (String p = path; !p.isEmpty(); p = parent(p)) {
      Origin place = place(p);
      if (place.source() != ConfigSource.DEFAULT) {
        return place;
      }
    }
    return Origin.DEFAULT;
  }

  /**
   * Where the first key under the entry or section at {@code path} came from: the earliest line in the
   * file (a section's key such as {@code retry:} counts), else the first variable or flag by name; null
   * when nothing under it was set.
   */
  public Origin firstSetUnder(String path) {
    Origin first = null;
    for (Map.Entry<String, Setting> e : values.entrySet()) {
      if (isUnder(e.getKey(), path) && (first == null || comesFirst(e.getValue().origin(), first))) {
        first = e.getValue().origin();
      }
    }
    for (Map.Entry<String, Origin> e : places.entrySet()) {
      if (isUnder(e.getKey(), path) && (first == null || comesFirst(e.getValue(), first))) {
        first = e.getValue();
      }
    }
    return first;
  }

  private static boolean isUnder(String key, String path) {
    return key.length() > path.length() && key.startsWith(path)
        && (key.charAt(path.length()) == '.' || key.charAt(path.length()) == '[');
  }

  // a line of the file before variables and flags, which have no order of their own but their names'
  private static boolean comesFirst(Origin a, Origin b) {
    boolean aLine = a.source() == ConfigSource.FILE && a.line() != null;
    boolean bLine = b.source() == ConfigSource.FILE && b.line() != null;
    if (aLine != bLine) {
      return aLine;
    }
    return aLine ? a.line() < b.line() : String.valueOf(a.detail()).compareTo(String.valueOf(b.detail())) < 0;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** Every leaf of the effective configuration in schema order, the entries of maps and lists included. */
  public List<Item> walk() {
    List<Item> out = new ArrayList<>();
    walk(Schema.ROOT, "", List.of(), out);
    return out;
  }

  private void walk(Group group, String prefix, List<Object> segments, List<Item> out) {
    group.children().forEach((key, shape) -> {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      List<Object> here = append(segments, key);
      if (shape instanceof Leaf leaf) {
        Setting s = values.get(path);
        out.add(s == null ? new Item(here, path, leaf, leaf.defaultValue(), Origin.DEFAULT)
            : new Item(here, path, leaf, s.value(), s.origin()));
      } else if (shape instanceof Group child) {
        walk(child, path, here, out);
      } else if (shape instanceof NamedMap map) {
        names(key).forEach(name -> walk(map.entry(), path + "." + name, append(here, name), out));
      } else {
        for (int i = 0; i < listSize(path); i++) {
          walk(((ListOf) shape).entry(), path + "[" + i + "]", append(here, i), out);
        }
      }
    });
  }

  private static List<Object> append(List<Object> list, Object next) {
    List<Object> out = new ArrayList<>(list);
    out.add(next);
    return List.copyOf(out);
  }
}
