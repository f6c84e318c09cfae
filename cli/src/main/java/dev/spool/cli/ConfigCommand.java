package dev.spool.cli;

import dev.spool.config.ConfigEntry;
import dev.spool.config.ConfigException;
import dev.spool.config.SpoolConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code config check}: what the configuration is, value by value, and where each value came from. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check the configuration.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw UsageErrors.missingSubcommand(spec);
  }

  /**
   * Loads the file with the environment over it, as {@code worker} would, and prints every key's effective
   * value with its source (file and line, environment variable, default), secrets masked, and the
   * {@code SPOOL_*} variables that name no key. Exit 0 when the configuration can be used, 2 with the
   * one-line reason when it cannot (an unknown key, a wrong type, an invalid value).
   */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Print the effective configuration and where each value comes from; exit 2 when it is not valid.")
  static final class Check implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      SpoolConfig settings;
      try {
        settings = config.load(HandlerJars.loader(config.handlerJars()));
      } catch (IllegalArgumentException e) {
        if (json) {
          JsonObject error = new JsonObject().put("valid", false).put("error", e.getMessage());
          if (e instanceof ConfigException c) {
            error.put("path", c.path()).put("line", c.line()).put("file", c.file());
          }
          out.println(error.encodePrettily());
        } else if (UsageErrors.ofConfig(spec, e) instanceof picocli.CommandLine.ParameterException usage) {
          throw usage;
        } else {
          spec.commandLine().getErr().println("error: " + e.getMessage());
        }
        out.flush();
        spec.commandLine().getErr().flush();
        return 2;
      }
      List<ConfigEntry> entries = settings.entries();
      List<String> unused = settings.unusedEnvironment();
      if (json) {
        JsonArray values = new JsonArray();
        entries.forEach(e -> values.add(new JsonObject().put("path", e.path()).put("value", e.value())
            .put("source", e.source().name().toLowerCase()).put("detail", e.detail()).put("secret", e.secret())));
        out.println(new JsonObject().put("valid", true).put("file", String.valueOf(config.file()))
            .put("entries", values).put("unusedEnvironment", new JsonArray(unused))
            .put("effective", settings.toJson(true)).encodePrettily());
      } else {
        int width = entries.stream().mapToInt(e -> e.path().length()).max().orElse(10);
        out.printf("configuration %s is valid%n", config.file() == null ? "(no file: defaults and environment)" : config.file());
        for (ConfigEntry e : entries) {
          String source = e.source().name().toLowerCase() + (e.detail() == null || e.detail().isEmpty() ? "" : " " + e.detail());
          out.printf("  %-" + width + "s  %-30s  %s%n", e.path(), e.value(), source);
        }
        for (String variable : unused) {
          out.printf("warning: environment variable %s names no configuration key (a typo?)%n", variable);
        }
      }
      out.flush();
      return 0;
    }
  }
}
