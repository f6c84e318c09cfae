package dev.spool.spring.impl;

import dev.spool.config.ConfigException;
import dev.spool.config.SpoolConfig;
import dev.spool.spring.SpoolProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Spool's configuration from the Spring {@code Environment}: every {@code spool.*} property, under relaxed
 * names, put into the nested shape of {@code spool.yaml} with the schema's own key names, then read by
 * {@link SpoolConfig#fromJson} so values are checked exactly as {@code spool config check} checks them. A
 * problem is reported with the property's name and source ({@code application.properties} and line).
 *
 * <p>{@code SPOOL_*} environment variables are read as Spool reads them everywhere ({@code SPOOL_WORKER_BATCH_SIZE}),
 * over the properties, rather than through Spring's mapping of variables to property names.
 */
public final class EnvironmentConfig {

  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("spool");
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+");
  private static final Pattern DID_YOU_MEAN = Pattern.compile("did you mean ([^?]+)\\?");
  /** Keys of the Spring integration alone (how the application runs Spool), by relaxed path. */
  private static final String WORKER_ENABLED = "worker.enabled";

  /** A property that set a key: its name as the application wrote it and where it came from. */
  private record Source(String property, String origin) {
    String describe() {
      return origin == null ? property : origin + ": " + property;
    }
  }

  private final ConfigurableEnvironment environment;
  private final PropertyTree tree = new PropertyTree();
  private final Map<String, Source> sources = new HashMap<>();
  private final Map<String, String> variables = new LinkedHashMap<>();
  private Boolean workerEnabled;

  private EnvironmentConfig(ConfigurableEnvironment environment) {
    this.environment = environment;
  }

  /**
   * Reads the environment.
   *
   * @throws SpoolPropertiesException naming the property of a value that cannot be used, or saying what
   *     to set when no PostgreSQL database is configured
   */
  public static SpoolProperties bind(ConfigurableEnvironment environment, ClassLoader classLoader) {
    return new EnvironmentConfig(environment).bind(classLoader);
  }

  private SpoolProperties bind(ClassLoader classLoader) {
    Set<ConfigurationPropertyName> seen = new HashSet<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (source.getUnderlyingSource() instanceof PropertySource<?> ps
          && ps.getName().equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
        collectVariables(ps);
        continue;
      }
      if (!(source instanceof IterableConfigurationPropertySource iterable)) {
        continue;
      }
      iterable.filter(ROOT::isAncestorOf).stream().forEach(name -> {
        if (seen.add(name)) { // the first source to set a key has the highest precedence
          ConfigurationProperty property = source.getConfigurationProperty(name);
          if (property != null) {
            place(name, property);
          }
        }
      });
    }
    String datasourceUrl = datasourceUrl();
    if (!tree.has(List.of("database", "url")) && datasourceUrl != null) {
      tree.put(List.of("database", "url"), datasourceUrl);
      sources.put("database.url", new Source("spring.datasource.url", origin("spring.datasource.url")));
    }
    SpoolConfig config;
    try {
      config = SpoolConfig.fromJson(tree.toJson(), variables, classLoader);
    } catch (ConfigException e) {
      throw explain(e);
    }
    if (config.databaseUrl() == null) {
      String jdbc = environment.getProperty("spring.datasource.url");
      throw new SpoolPropertiesException(jdbc == null
          ? "Spool found no PostgreSQL database: neither spool.database.url nor spring.datasource.url is set"
          : "Spool found no PostgreSQL database: spring.datasource.url is " + jdbc + ", not PostgreSQL, and spool.database.url is not set",
          "spool.database.url",
          "Set spring.datasource.url=jdbc:postgresql://host:5432/database (with spring.datasource.username and "
              + "password), or spool.database.url=postgresql://user:password@host:5432/database (or SPOOL_DATABASE_URL).",
          null);
    }
    boolean fromDataSource = datasourceUrl != null && datasourceUrl.equals(config.databaseUrl());
    return new SpoolProperties(config, workerEnabled == null || workerEnabled, fromDataSource);
  }

  private String datasourceUrl() {
    String jdbc = environment.getProperty("spring.datasource.url");
    if (!JdbcUrls.isPostgres(jdbc)) {
      return null;
    }
    return JdbcUrls.toSpoolUrl(jdbc, environment.getProperty("spring.datasource.username"),
        environment.getProperty("spring.datasource.password"));
  }

  private void collectVariables(PropertySource<?> source) {
    if (source instanceof EnumerablePropertySource<?> e) {
      for (String name : e.getPropertyNames()) {
        if (name.startsWith("SPOOL_")) {
          variables.put(name, String.valueOf(e.getProperty(name)));
        }
      }
    }
  }

  /** Puts one property where the schema has its key; a key the schema lacks goes in as written, to be reported. */
  private void place(ConfigurationPropertyName name, ConfigurationProperty property) {
    Object value = property.getValue();
    if (value instanceof String text) {
      value = environment.resolvePlaceholders(text);
    }
    Source source = new Source(name.toString(), property.getOrigin() == null ? null : property.getOrigin().toString());
    int n = name.getNumberOfElements();
    String section = name.getElement(1, Form.UNIFORM);
    List<Object> segments = new ArrayList<>();
    int from;
    Map<String, SchemaKeys.Key> keys;
    if (n > 3 && (section.equals("queues") || section.equals("tasks"))) {
      segments.add(section);
      segments.add(name.getElement(2, Form.ORIGINAL)); // the queue's or task's name, as written
      keys = SchemaKeys.ENTRIES.get(section);
      from = 3;
    } else if (n > 3 && section.equals("periodic") && name.isNumericIndex(2)) {
      segments.add(section);
      segments.add(Integer.parseInt(name.getElement(2, Form.ORIGINAL)));
      keys = SchemaKeys.ENTRIES.get(section);
      from = 3;
    } else {
      if (relaxedPath(name, 1, n).equals(WORKER_ENABLED)) {
        workerEnabled = readBoolean(value, source);
        return;
      }
      keys = SchemaKeys.FIXED;
      from = 1;
    }
    // the longest run of elements that names a key; what follows is inside an object or a list
    int end = n;
    SchemaKeys.Key key = null;
    for (; end > from; end--) {
      key = keys.get(relaxedPath(name, from, end));
      if (key != null) {
        break;
      }
    }
    if (key != null) {
      for (String part : key.path().split("\\.")) {
        segments.add(part);
      }
      if (end == n && key.type().equals("duration-or-off") && Boolean.FALSE.equals(value)) {
        value = "off"; // Spring's YAML reads a bare off as false (YAML 1.1); spool.yaml's reader does not
      }
      if (end < n && key.type().equals("object")) {
        value = plain(value); // inside a mapping, as in YAML: 3 is a number, true a boolean
      }
      for (int i = end; i < n; i++) {
        segments.add(name.isNumericIndex(i) ? (Object) Integer.parseInt(name.getElement(i, Form.ORIGINAL))
            : name.getElement(i, Form.ORIGINAL));
      }
    } else {
      for (int i = from; i < n; i++) {
        segments.add(name.isNumericIndex(i) ? (Object) Integer.parseInt(name.getElement(i, Form.ORIGINAL))
            : SchemaKeys.camel(name.getElement(i, Form.DASHED)));
      }
    }
    tree.put(segments, value);
    // the model names a key, a list item or an enclosing entry: each leads back to this property
    StringBuilder path = new StringBuilder();
    for (Object segment : segments) {
      if (segment instanceof Integer i) {
        path.append('[').append(i).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(segment);
      }
      sources.putIfAbsent(path.toString(), source);
    }
  }

  private static Object plain(Object value) {
    if (!(value instanceof String text)) {
      return value;
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return text; // beyond a long: kept as written
      }
    }
    return DECIMAL.matcher(text).matches() ? (Object) Double.parseDouble(text) : text;
  }

  private static String relaxedPath(ConfigurationPropertyName name, int from, int to) {
    StringBuilder out = new StringBuilder();
    for (int i = from; i < to; i++) {
      out.append(i == from ? "" : ".").append(SchemaKeys.relaxed(name.getElement(i, Form.UNIFORM)));
    }
    return out.toString();
  }

  private static boolean readBoolean(Object value, Source source) {
    String text = String.valueOf(value).trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new SpoolPropertiesException(source.describe() + ": expected true or false, got '" + text + "'",
        source.property(), "Set " + source.property() + " to true or false.", null);
  }

  private String origin(String property) {
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty p = source.getConfigurationProperty(ConfigurationPropertyName.of(property));
      if (p != null) {
        return p.getOrigin() == null ? null : p.getOrigin().toString();
      }
    }
    return null;
  }

  /** The model's failure in the application's terms: the property, its source, a suggestion in Spring's form. */
  private RuntimeException explain(ConfigException e) {
    String path = e.path();
    Source source = null;
    for (String p = path; p != null && !p.isEmpty() && source == null; p = parent(p)) {
      source = sources.get(p);
    }
    String message = e.getMessage();
    if (source == null) {
      // a SPOOL_* variable, or a rule across keys none of which was set here: the model's words stand
      return new SpoolPropertiesException("spool: " + message, path == null ? null : "spool." + SchemaKeys.kebab(path),
          "Check the spool.* properties and SPOOL_* variables (the same keys as spool.yaml; see docs/reference/configuration.md).", e);
    }
    String problem = path != null && message.startsWith(path + ": ") ? message.substring(path.length() + 2) : message;
    Matcher m = DID_YOU_MEAN.matcher(problem);
    String suggestion = null;
    if (m.find()) {
      suggestion = "spool." + SchemaKeys.kebab(m.group(1));
      problem = m.replaceFirst(Matcher.quoteReplacement("did you mean " + suggestion + "?"));
    }
    String property = source.property();
    String action = suggestion != null ? "Rename " + property + " to " + suggestion + "."
        : "Change " + property + (source.origin() != null ? " in " + source.origin() : "")
            + " (the keys and values of spool.yaml apply; see docs/reference/configuration.md).";
    return new SpoolPropertiesException(source.describe() + ": " + problem, property, action, e);
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? null : path.substring(0, cut);
  }
}
