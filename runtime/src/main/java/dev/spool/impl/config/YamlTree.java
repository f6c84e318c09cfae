package dev.spool.impl.config;

import dev.spool.config.ConfigException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Reads YAML with SnakeYAML's node API rather than its objects, so every value keeps its line and its
 * text as written (SnakeYAML's YAML 1.1 guesses, {@code on} is true, are not used). The only class that
 * touches SnakeYAML, an optional dependency: {@link ConfigFiles} checks it is there before calling.
 */
final class YamlTree {

  /** Deeper than any sensible file; stops a recursive alias from overflowing the stack. */
  private static final int MAX_DEPTH = 64;

  private YamlTree() {}

  /** The file's tree, or null when it holds no document (empty, or comments only). */
  static ConfigTree.Node read(InputStream in, String file) {
    Node root;
    try {
      // UnicodeReader honours a byte-order mark, which editors on some systems still write
      root = new Yaml(new LoaderOptions()).compose(new UnicodeReader(in));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      // "while scanning a quoted scalar, found unexpected end of stream": the context makes the problem clear
      String problem = e.getProblem() == null ? firstLine(e.getMessage())
          : e.getContext() == null ? e.getProblem() : e.getContext() + ", " + e.getProblem();
      throw new ConfigException(file + ": does not parse: " + problem + " at line " + line, null,
          line == 0 ? null : line, file, e);
    } catch (YAMLException e) {
      throw new ConfigException(file + ": does not parse: " + firstLine(e.getMessage()), null, null, file, e);
    }
    return root == null ? null : convert(root, file, "", 0);
  }

  private static ConfigTree.Node convert(Node node, String file, String path, int depth) {
    int line = node.getStartMark().getLine() + 1;
    if (depth > MAX_DEPTH) {
      throw new ConfigException(file + ":" + line + ": nested too deep (a recursive alias?)", null, line, file);
    }
    if (node instanceof ScalarNode scalar) {
      boolean plain = scalar.isPlain();
      boolean isNull = plain && Tag.NULL.equals(scalar.getTag());
      return new ConfigTree.Scalar(isNull ? null : scalar.getValue(), plain, line);
    }
    if (node instanceof SequenceNode sequence) {
      List<ConfigTree.Node> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        items.add(convert(item, file, path + "[" + items.size() + "]", depth + 1));
      }
      return new ConfigTree.Sequence(List.copyOf(items), line);
    }
    MappingNode mapping = (MappingNode) node;
    Map<String, ConfigTree.Node> entries = new LinkedHashMap<>();
    Map<String, Integer> keyLines = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = keyNode.getStartMark().getLine() + 1;
      if (!(keyNode instanceof ScalarNode key)) {
        throw new ConfigException(file + ":" + keyLine + ": " + (path.isEmpty() ? "" : path + ": ")
            + "a key must be a plain name", path.isEmpty() ? null : path, keyLine, file);
      }
      String name = key.getValue();
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (entries.containsKey(name)) {
        throw new ConfigException(file + ":" + keyLine + ": " + childPath + ": duplicate key (first on line "
            + keyLines.get(name) + ")", childPath, keyLine, file);
      }
      keyLines.put(name, keyLine);
      entries.put(name, convert(tuple.getValueNode(), file, childPath, depth + 1));
    }
    return new ConfigTree.Mapping(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(keyLines), line);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown problem";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
