package dev.spool.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/reference/admin-api.md} is the admin API's OpenAPI document as a page: the routes, then each
 * with its parameters and answers, then the JSON shapes. A change to the document without regenerating fails
 * here; {@code -Dspool.docs.write=true} rewrites the page instead of comparing.
 */
class AdminApiReferenceTest {

  static final Path PAGE = Path.of("..", "docs", "reference", "admin-api.md");
  static final String REGENERATE =
      "the reference is stale: run `mvn -pl admin -am verify -Dtest=AdminApiReferenceTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dspool.docs.write=true` and commit docs/reference/admin-api.md";

  private final OpenApiSpec spec = new OpenApiSpec();

  @Test
  void theAdminApiReferenceListsEveryOperationOfTheDocument() throws IOException {
    String page = reference();
    assertThat(page).contains("| `GET` | `/api/jobs/{id}` |", "`limit` | query | integer, 1..1000, default `50`",
        "### JobDetail", "`GET /api/openapi.json`");
    if (Boolean.getBoolean("spool.docs.write")) {
      Files.createDirectories(PAGE.getParent());
      Files.writeString(PAGE, page);
    }
    assertThat(Files.exists(PAGE) ? Files.readString(PAGE) : "").as(REGENERATE).isEqualTo(page);
  }

  String reference() {
    JsonObject document = spec.document();
    JsonObject info = document.getJsonObject("info");
    StringBuilder out = new StringBuilder("""
        # Admin HTTP API reference

        <!-- Generated from admin/src/main/resources/dev/spool/admin/openapi.json by AdminApiReferenceTest;
             do not edit by hand. -->

        """);
    out.append(info.getString("summary")).append(" The API serves its OpenAPI 3.1 document at `GET /api/openapi.json` ")
        .append("(version ").append(info.getString("version")).append("): point a client generator or an API tool at it.\n\n")
        .append(info.getString("description")).append("\n\n")
        .append("With `admin.token` set, every route marked *token* needs `Authorization: Bearer <token>`.\n\n")
        .append("## Routes\n\n| method | path | token | summary |\n|---|---|---|---|\n");
    for (OpenApiSpec.Operation operation : spec.operations()) {
      out.append("| `").append(operation.method().toUpperCase(Locale.ROOT)).append("` | `").append(operation.path())
          .append("` | ").append(operation.needsToken(document) ? "token" : "none").append(" | ")
          .append(cell(operation.json().getString("summary"))).append(" |\n");
    }
    out.append('\n');
    for (OpenApiSpec.Operation operation : spec.operations()) {
      operation(out, operation);
    }
    out.append("## JSON shapes\n\nA field marked *required* is always present (its value may still be null where its "
        + "type says so).\n\n");
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      shape(out, name, schemas.getJsonObject(name));
    }
    return out.toString();
  }

  private void operation(StringBuilder out, OpenApiSpec.Operation operation) {
    out.append("### ").append(operation.name()).append("\n\n").append(operation.json().getString("summary")).append(".\n\n");
    if (!operation.parameters().isEmpty()) {
      out.append("| parameter | in | type | description |\n|---|---|---|---|\n");
      for (JsonObject parameter : operation.parameters()) {
        out.append("| `").append(parameter.getString("name")).append("` | ").append(parameter.getString("in"))
            .append(" | ").append(type(parameter.getJsonObject("schema"))).append(" | ")
            .append(cell(parameter.getString("description", ""))).append(" |\n");
      }
      out.append('\n');
    }
    out.append("| status | body | meaning |\n|---|---|---|\n");
    JsonObject responses = operation.json().getJsonObject("responses");
    for (String status : responses.fieldNames()) {
      JsonObject response = spec.resolve(responses.getJsonObject(status));
      JsonObject content = response.getJsonObject("content", new JsonObject());
      List<String> bodies = new ArrayList<>();
      for (String mediaType : content.fieldNames()) {
        JsonObject schema = content.getJsonObject(mediaType).getJsonObject("schema");
        bodies.add(mediaType.equals("application/json") ? type(schema) : "`" + mediaType + "`");
      }
      out.append("| ").append(status).append(" | ").append(bodies.isEmpty() ? "none" : String.join(", ", bodies))
          .append(" | ").append(cell(response.getString("description"))).append(" |\n");
    }
    out.append('\n');
  }

  private void shape(StringBuilder out, String name, JsonObject schema) {
    out.append("### ").append(name).append("\n\n");
    if (schema.containsKey("description")) {
      String text = schema.getString("description");
      out.append(Character.toUpperCase(text.charAt(0))).append(text.substring(1)).append(".\n\n");
    }
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    String base = schema.getString("$ref");
    if (base != null) {
      out.append("The fields of ").append(link(base));
      out.append(schema.containsKey("properties") ? ", and:" : schema.containsKey("unevaluatedProperties") ? ", and no other." : ".");
      out.append("\n\n");
    }
    properties.mergeIn(schema.getJsonObject("properties", new JsonObject()));
    required.addAll(schema.getJsonArray("required", new JsonArray()));
    if (properties.isEmpty()) {
      if (base == null) {
        out.append(type(schema)).append("\n\n");
      }
      return;
    }
    out.append("| field | type | required | description |\n|---|---|---|---|\n");
    for (String field : properties.fieldNames()) {
      JsonObject property = properties.getJsonObject(field);
      out.append("| `").append(field).append("` | ").append(type(property)).append(" | ")
          .append(required.contains(field) ? "required" : "").append(" | ")
          .append(cell(property.getString("description", ""))).append(" |\n");
    }
    out.append('\n');
  }

  /** A schema in a few words: {@code integer, 1..1000, default `50`}, a link to a shape, an array of one. */
  static String type(JsonObject schema) {
    if (schema == null || schema.isEmpty()) {
      return "any JSON";
    }
    if (schema.containsKey("$ref") && !schema.containsKey("properties")) {
      return link(schema.getString("$ref"));
    }
    if (schema.containsKey("const")) {
      return "`" + schema.getValue("const") + "`";
    }
    Object type = schema.getValue("type");
    if (type == null && !schema.containsKey("properties")) {
      return "any JSON";
    }
    if (schema.containsKey("properties")) {
      // an inline body: its fields in a line
      JsonObject properties = schema.getJsonObject("properties");
      String nullable = type instanceof JsonArray list && list.contains("null") ? "; or null" : "";
      return "object with " + String.join(", ", properties.fieldNames().stream()
          .map(f -> "`" + f + "` (" + type(properties.getJsonObject(f)) + ")").toList()) + nullable;
    }
    List<String> words = new ArrayList<>();
    String types = type instanceof JsonArray list ? String.join(" or ", list.stream().map(String::valueOf).toList())
        : String.valueOf(type);
    if (schema.containsKey("items")) {
      types = types.replace("array", "array of " + type(schema.getJsonObject("items")));
    }
    if (schema.getValue("additionalProperties") instanceof JsonObject values) {
      types = types.replace("object", "object of " + type(values) + " by name");
    }
    words.add(types);
    if (schema.containsKey("enum")) {
      words.add("one of " + String.join(", ", schema.getJsonArray("enum").stream().map(v -> "`" + v + "`").toList()));
    }
    if (schema.containsKey("format")) {
      words.add(schema.getString("format"));
    }
    Object min = schema.containsKey("minimum") ? schema.getValue("minimum") : schema.getValue("minLength");
    Object max = schema.containsKey("maximum") ? schema.getValue("maximum") : schema.getValue("maxLength");
    if (min != null || max != null) {
      String unit = schema.containsKey("minLength") || schema.containsKey("maxLength") ? " characters" : "";
      words.add((max == null ? "at least " + min : (min == null ? "" : min) + ".." + max) + unit);
    }
    if (schema.containsKey("default")) {
      words.add("default `" + schema.getValue("default") + "`");
    }
    return String.join(", ", words);
  }

  private static String link(String ref) {
    String name = ref.substring(ref.lastIndexOf('/') + 1);
    return "[" + name + "](#" + name.toLowerCase(Locale.ROOT) + ")";
  }

  /** Text fit for one table cell. */
  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
