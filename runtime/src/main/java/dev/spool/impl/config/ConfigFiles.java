package dev.spool.impl.config;

import dev.spool.config.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a configuration file into a {@link ConfigTree}: {@code .json} with Vert.x's JSON (no lines),
 * anything else as YAML, which needs SnakeYAML on the class path.
 */
public final class ConfigFiles {

  private ConfigFiles() {}

  /** The file's tree; null when it holds nothing. */
  public static ConfigTree.Node read(Path path) {
    String file = path.toString();
    boolean json = file.toLowerCase(Locale.ROOT).endsWith(".json");
    if (!json && !yamlAvailable()) {
      throw new ConfigException(file + ": reading YAML needs SnakeYAML: add the dependency org.yaml:snakeyaml "
          + "(or write the configuration as JSON)", null, null, file);
    }
    try {
      if (json) {
        return readJson(path, file);
      }
      try (InputStream in = Files.newInputStream(path)) {
        return YamlTree.read(in, file);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": does not exist", null, null, file, e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage(), null, null, file, e);
    }
  }

  private static ConfigTree.Node readJson(Path path, String file) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return null;
    }
    try {
      return ConfigTree.fromJson(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      String problem = e.getMessage() == null ? "not a JSON object" : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException(file + ": does not parse: " + problem, null, null, file, e);
    }
  }

  // SnakeYAML is optional: YamlTree is only loaded (and so only links against it) once this says yes
  private static boolean yamlAvailable() {
    try {
      Class.forName("org.yaml.snakeyaml.Yaml", false, ConfigFiles.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
