package dev.spool.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The admin API's OpenAPI document as the tests read it: its operations, the parameters of each (references
 * resolved), and whether a real response is one the document allows, checked with a JSON Schema 2020-12
 * validator (the dialect of OpenAPI 3.1; date-time and other formats asserted).
 */
final class OpenApiSpec {

  /** Where the document is in the admin jar (and what {@code GET /api/openapi.json} serves). */
  static final String RESOURCE = "dev/spool/admin/openapi.json";
  static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** One operation: a method on a path template such as {@code /api/jobs/{id}}. */
  record Operation(String method, String path, JsonObject json, List<JsonObject> parameters) {
    /** {@code GET /api/jobs/{id}}. */
    String name() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }

    List<JsonObject> parameters(String in) {
      return parameters.stream().filter(p -> p.getString("in").equals(in)).toList();
    }

    boolean needsToken(JsonObject document) {
      JsonArray security = json.getJsonArray("security", document.getJsonArray("security"));
      return security != null && !security.isEmpty();
    }
  }

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private final JsonObject document;
  private final List<Operation> operations = new ArrayList<>();
  private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

  OpenApiSpec() {
    this.document = new JsonObject(text());
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject operation = item.getJsonObject(method);
        if (operation != null) {
          List<JsonObject> parameters = new ArrayList<>();
          for (Object p : operation.getJsonArray("parameters", new JsonArray())) {
            parameters.add(resolve((JsonObject) p));
          }
          operations.add(new Operation(method, path, operation, List.copyOf(parameters)));
        }
      }
    }
  }

  /** The document's text, as the jar has it. */
  static String text() {
    try (InputStream in = OpenApiSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonObject document() {
    return document;
  }

  List<Operation> operations() {
    return operations;
  }

  /** {@code GET /api/jobs/{id}} and the others, sorted. */
  Set<String> operationNames() {
    TreeSet<String> names = new TreeSet<>();
    operations.forEach(o -> names.add(o.name()));
    return names;
  }

  /** The object a {@code {"$ref": "#/..."}} points at, or the object itself. */
  JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    Object at = document;
    for (String part : ref.substring(2).split("/")) {
      at = ((JsonObject) at).getValue(part.replace("~1", "/").replace("~0", "~"));
    }
    return resolve((JsonObject) at);
  }

  /** The operation a request of this method and path (no query) reaches, if the document has it. */
  Optional<Operation> match(String method, String path) {
    for (Operation operation : operations) {
      // in the document's order, which is the router's where two templates match (/api/jobs/bulk/retry)
      if (operation.method().equalsIgnoreCase(method) && template(operation.path()).matcher(path).matches()) {
        return Optional.of(operation);
      }
    }
    return Optional.empty();
  }

  private static Pattern template(String path) {
    return Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
  }

  /**
   * What is wrong with this response to {@code operation}, by the document: an undeclared status, an
   * undeclared content type, a JSON body its schema refuses. Empty when the document allows it.
   */
  List<String> problems(Operation operation, int status, String contentType, String body) {
    JsonObject responses = operation.json().getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status));
    if (response == null) {
      response = responses.getJsonObject(status / 100 + "XX", responses.getJsonObject("default"));
    }
    if (response == null) {
      return List.of(operation.name() + " does not declare status " + status + " (it declares " + responses.fieldNames() + ")");
    }
    JsonObject content = resolve(response).getJsonObject("content");
    if (content == null) {
      return body.isEmpty() ? List.of() : List.of(operation.name() + " " + status + " declares no body, got " + body);
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonObject media = content.getJsonObject(mediaType);
    if (media == null) {
      return List.of(operation.name() + " " + status + " declares " + content.fieldNames() + ", got " + contentType);
    }
    if (!mediaType.equals("application/json")) {
      return List.of();
    }
    JsonSchema schema = compiled.computeIfAbsent(operation.name() + " " + status, k -> compile(media.getJsonObject("schema")));
    try {
      Set<ValidationMessage> errors = schema.validate(MAPPER.readTree(body));
      return errors.stream().map(e -> operation.name() + " " + status + ": " + e.getMessage()).sorted().toList();
    } catch (IOException e) {
      return List.of(operation.name() + " " + status + ": not JSON: " + body);
    }
  }

  /**
   * A schema of the document as a standalone 2020-12 schema: the document's component schemas travel along
   * as {@code $defs}, so its references resolve without the rest of the document.
   */
  private JsonSchema compile(JsonObject schema) {
    JsonObject standalone = schema.copy().put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("$defs", document.getJsonObject("components").getJsonObject("schemas"));
    String text = standalone.encode().replace("\"#/components/schemas/", "\"#/$defs/");
    return SCHEMAS.getSchema(json(text), CONFIG);
  }

  /** A schema given as text, in the 2020-12 dialect unless it names its own. */
  static JsonSchema schema(String text) {
    return SCHEMAS.getSchema(json(text), CONFIG);
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
