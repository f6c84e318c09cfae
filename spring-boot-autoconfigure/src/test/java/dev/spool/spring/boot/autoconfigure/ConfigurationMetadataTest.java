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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The shipped META-INF/spring-configuration-metadata.json lists every key of the configuration model, so
 * IDEs complete them. When a key is added, this test fails and writes the new file to target/; copy it to
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

  static JsonObject generate() {
    JsonArray properties = new JsonArray();
    for (ConfigKey key : SpoolConfig.keys()) {
      JsonObject p = new JsonObject().put("name", name(key.path())).put("type", javaType(key.type()))
          .put("description", "spool.yaml's " + key.path() + " (" + key.type() + (key.secret() ? ", secret" : "")
              + "). See the README's configuration section.");
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
