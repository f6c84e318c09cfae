package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.config.ConfigKey;
import dev.spool.config.SpoolConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped META-INF/spring-configuration-metadata.json lists every key of the configuration model, each
 * described by its comment in the repository's spool.yaml, so IDEs complete and document them. When a key is added, this test fails and writes the new file to target/; copy it to
 * src/main/resources/META-INF/.
 */
class ConfigurationMetadataTest {

  @Test
  void everySchemaKeyIsInTheShippedMetadata() throws IOException {
    JsonObject expected = generate();
    Path fresh = Path.of("target", "spring-configuration-metadata.json");
    Files.writeString(fresh, expected.encodePrettily() + "\n");
    JsonObject shipped;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
      shipped = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<String> names = shipped.getJsonArray("properties").stream().map(p -> ((JsonObject) p).getString("name")).toList();
    for (ConfigKey key : SpoolConfig.keys()) {
      assertThat(names).as("metadata of " + key.path() + " (regenerated in " + fresh + ")").contains(name(key.path()));
    }
    assertThat(names).contains("spool.worker.enabled");
    assertThat(shipped).as("the shipped file is the generated one (" + fresh + ")").isEqualTo(expected);
  }

  static JsonObject generate() throws IOException {
    Map<String, String> documented = descriptions(Files.readAllLines(Path.of("..", "spool.yaml")));
    JsonArray properties = new JsonArray();
    for (ConfigKey key : SpoolConfig.keys()) {
      String text = documented.getOrDefault(key.path(), "The key " + key.path() + " of spool.yaml.");
      JsonObject p = new JsonObject().put("name", name(key.path())).put("type", javaType(key.type()))
          .put("description", text + " (spool.yaml: " + key.path() + ", " + key.type() + (key.secret() ? ", secret" : "") + ")");
      if (key.defaultValue() != null) {
        p.put("defaultValue", key.defaultValue() instanceof List<?> l ? new JsonArray(List.copyOf(l)) : key.defaultValue());
      }
      properties.add(p);
    }
    properties.add(new JsonObject().put("name", "spool.worker.enabled").put("type", "java.lang.Boolean")
        .put("description", "Whether this application runs workers for its @SpoolHandler beans; false makes an "
            + "enqueue-only node (a web tier).").put("defaultValue", true));
    return new JsonObject()
        .put("groups", new JsonArray().add(new JsonObject().put("name", "spool").put("description",
            "Spool's configuration: the keys of spool.yaml, in kebab-case.")))
        .put("properties", properties);
  }

  /**
   * The comment above each key of the repository's annotated {@code spool.yaml}, by key path in
   * {@link ConfigKey#path()}'s form: the example entries of queues and tasks stand for {@code *}, the item of
   * periodic for {@code [*]}; a commented-out key ({@code # every: 15m  # or ...}) takes its trailing comment.
   */
  static Map<String, String> descriptions(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    Deque<Object[]> stack = new ArrayDeque<>(); // {indent, segment}
    List<String> comment = new ArrayList<>();
    Pattern keyLine = Pattern.compile("^(\\s*)(- )?([A-Za-z0-9_.-]+):.*$");
    Pattern commentedKey = Pattern.compile("^([A-Za-z]+):\\s*\\S+\\s*#\\s*(.*)$");
    for (String line : lines) {
      String text = line.strip();
      if (text.isEmpty()) {
        comment.clear();
        continue;
      }
      int indent = line.indexOf(text);
      if (text.startsWith("- ")) { // a list item: its keys are one level down
        pop(stack, indent);
        stack.push(new Object[] {indent, "[*]"});
        text = text.substring(2).strip();
        indent += 2;
        line = " ".repeat(indent) + text;
      }
      if (text.startsWith("#")) {
        String body = text.substring(1).strip();
        Matcher k = commentedKey.matcher(body);
        if (k.matches()) {
          out.putIfAbsent(path(stack, indent, k.group(1)), capitalize(k.group(2)) + ".");
        } else {
          comment.add(body);
        }
        continue;
      }
      Matcher m = keyLine.matcher(line);
      if (m.matches()) {
        String path = path(stack, indent, m.group(3));
        if (!comment.isEmpty()) {
          out.putIfAbsent(path, String.join(" ", comment));
        }
        comment.clear();
        pop(stack, indent);
        stack.push(new Object[] {indent, m.group(3)});
      }
    }
    return out;
  }

  private static void pop(Deque<Object[]> stack, int indent) {
    while (!stack.isEmpty() && (Integer) stack.peek()[0] >= indent) {
      stack.pop();
    }
  }

  private static String path(Deque<Object[]> stack, int indent, String key) {
    List<String> segments = new ArrayList<>();
    stack.descendingIterator().forEachRemaining(e -> {
      if ((Integer) e[0] < indent) {
        segments.add((String) e[1]);
      }
    });
    segments.add(key);
    if (segments.size() > 2 && (segments.get(0).equals("queues") || segments.get(0).equals("tasks"))) {
      segments.set(1, "*");
    }
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append(out.length() == 0 || segment.startsWith("[") ? "" : ".").append(segment);
    }
    return out.toString();
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** {@code queues.*.rateLimit} as {@code spool.queues.*.rate-limit}. */
  static String name(String path) {
    StringBuilder out = new StringBuilder("spool.");
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

  private static String javaType(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "int" -> "java.lang.Integer";
      case "long" -> "java.lang.Long";
      case "double" -> "java.lang.Double";
      case "boolean" -> "java.lang.Boolean";
      case "duration" -> "java.time.Duration";
      case "list", "paths" -> "java.util.List<java.lang.String>";
      case "object" -> "java.util.Map<java.lang.String,java.lang.Object>";
      default -> "java.lang.String";
    };
  }
}
