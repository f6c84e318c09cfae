package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.impl.config.Schema;
import dev.spool.impl.config.Schema.Group;
import dev.spool.impl.config.Schema.Leaf;
import dev.spool.impl.config.Schema.ListOf;
import dev.spool.impl.config.Schema.NamedMap;
import dev.spool.impl.config.Schema.Shape;
import dev.spool.impl.config.ValueType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The generated reference in {@code docs/reference/} matches the code: every configuration key of the schema
 * {@code config check} uses, and every command and flag of the fat jar. A key or flag added without
 * regenerating fails here; {@code -Dspool.docs.write=true} rewrites the pages instead of comparing.
 */
class ReferenceDocsTest {

  static final Path REFERENCE = Path.of("..", "docs", "reference");
  static final String REGENERATE =
      "the reference is stale: run `mvn -pl cli -am verify -Dtest=ReferenceDocsTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dspool.docs.write=true` and commit docs/reference/";

  @Test
  void theConfigurationReferenceListsEveryKeyOfTheSchema() throws IOException {
    String page = configurationReference();
    assertThat(page).contains("`worker.concurrency`", "`SPOOL_WORKER_CONCURRENCY`", "`spool.worker.concurrency`",
        "`queues.<name>.rateLimit`", "`spool.queues.<name>.rate-limit`", "`periodic[<n>].cron`");
    matches(REFERENCE.resolve("configuration.md"), page);
  }

  @Test
  void theCliReferenceListsEveryCommandAndFlag() throws IOException {
    String page = cliReference();
    assertThat(page).contains("## spool worker", "## spool jobs explain", "--config");
    matches(REFERENCE.resolve("cli.md"), page);
  }

  private static void matches(Path file, String generated) throws IOException {
    if (Boolean.getBoolean("spool.docs.write")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated);
    }
    assertThat(Files.exists(file) ? Files.readString(file) : "").as(REGENERATE).isEqualTo(generated);
  }

  /** One table per section of the file, in schema order. */
  static String configurationReference() {
    StringBuilder out = new StringBuilder("""
        # Configuration reference

        <!-- Generated from the schema `spool config check` uses (dev.spool.impl.config.Schema) by ReferenceDocsTest;
             do not edit by hand. -->

        Every key of `spool.yaml`, with its type and default. Each key can also be set by an environment variable
        (over the file) and, in a Spring Boot application, by a `spool.*` property under relaxed binding. An entry of
        `queues`, `tasks` or `periodic` is named by the user: `SPOOL_QUEUES_EMAILS_RATE_LIMIT` sets
        `queues.emails.rateLimit`. `spool config check --config FILE` prints the effective value of every key and
        where it came from. The [configuration guide](../guides/configuration.md) says how the sources combine.

        """);
    Schema.ROOT.children().forEach((name, shape) -> section(out, name, shape));
    out.append("""
        ## Value types

        | type | written as |
        |---|---|
        """);
    for (ValueType type : ValueType.values()) {
      out.append("| ").append(typeName(type)).append(" | ").append(typeText(type)).append(" |\n");
    }
    return out.toString();
  }

  private static void section(StringBuilder out, String name, Shape shape) {
    out.append("## `").append(name).append("`\n\n");
    header(out);
    if (shape instanceof NamedMap map) {
      Schema.leaves(map.entry(), "").forEach((path, leaf) ->
          row(out, name + ".<name>." + path, leaf, "SPOOL_" + Schema.upperSnake(name) + "_<NAME>_" + Schema.upperSnake(path)));
    } else if (shape instanceof ListOf list) {
      // an entry of the list is named by its `name` key in the environment
      Schema.leaves(list.entry(), "").forEach((path, leaf) ->
          row(out, name + "[<n>]." + path, leaf, "SPOOL_" + Schema.upperSnake(name) + "_<NAME>_" + Schema.upperSnake(path)));
    } else if (shape instanceof Group group) {
      Schema.leaves(group, name).forEach((path, leaf) -> row(out, path, leaf, Schema.envName(path)));
    } else {
      row(out, name, (Leaf) shape, Schema.envName(name));
    }
    out.append('\n');
  }

  private static void header(StringBuilder out) {
    out.append("| key | type | default | environment variable | Spring property |\n|---|---|---|---|---|\n");
  }

  private static void row(StringBuilder out, String path, Leaf leaf, String env) {
    out.append("| `").append(path).append("` | ").append(typeName(leaf.type())).append(" | ")
        .append(defaultText(leaf)).append(" | `").append(env).append("` | `spool.").append(kebab(path))
        .append("` |\n");
  }

  private static String defaultText(Leaf leaf) {
    if (leaf.secret()) {
      return "(none; secret)";
    }
    Object shown = leaf.type().display(leaf.defaultValue());
    if (shown == null) {
      return "(none)";
    }
    String text = shown instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
        : String.valueOf(shown);
    return text.isEmpty() ? "(empty)" : "`" + text + "`";
  }

  /** Spring's canonical (kebab-case) form of a key path; entry placeholders kept as they are. */
  static String kebab(String path) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(path.charAt(i - 1))) {
        out.append('-');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }

  private static String typeName(ValueType type) {
    return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String typeText(ValueType type) {
    return switch (type) {
      case INT -> "a 32-bit integer";
      case LONG -> "a 64-bit integer";
      case DOUBLE -> "a decimal number";
      case BOOLEAN -> "`true` or `false` (YAML's `yes`/`on` are refused)";
      case STRING -> "text";
      case DURATION -> "a duration: `500ms`, `30s`, `5m`, `1h`, `7d`, or combined, `1h30m` (a bare number is refused)";
      case DURATION_OR_FOREVER -> "a duration, or `forever`";
      case DURATION_OR_OFF -> "a duration, or `off`";
      case LIST -> "a YAML list, or comma-separated text";
      case PATHS -> "file paths as a list; relative ones resolve against the file's folder";
      case RATE -> "a count per duration: `10/1s`";
      case CATCH_UP -> "`none`, `latest` or `all`";
      case ON_STUCK -> "`hold` or `release`";
      case ZONE -> "a time zone: `UTC`, `Europe/Paris`";
      case OBJECT -> "a JSON object: a mapping in the file, JSON text elsewhere";
    };
  }

  /** The usage text of every command, depth first, as `spool <command> --help` prints it. */
  static String cliReference() {
    StringBuilder out = new StringBuilder("""
        # CLI reference

        <!-- Generated from the picocli commands of the fat jar by ReferenceDocsTest; do not edit by hand. -->

        `java -jar spool.jar <command>`; each command also answers `--help`. A usage error prints one line naming
        the problem and one pointing at `--help`, and exits with 2.

        """);
    CommandLine root = new CommandLine(new SpoolCommand());
    commands(out, root);
    return out.toString();
  }

  private static void commands(StringBuilder out, CommandLine command) {
    command.setUsageHelpWidth(110);
    StringWriter usage = new StringWriter();
    command.usage(new PrintWriter(usage), CommandLine.Help.Ansi.OFF);
    out.append("## ").append(command.getCommandSpec().qualifiedName(" ")).append("\n\n```text\n")
        .append(usage.toString().stripTrailing()).append("\n```\n\n");
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      if (sub.getKey().equals(sub.getValue().getCommandName())) { // aliases once
        commands(out, sub.getValue());
      }
    }
  }
}
