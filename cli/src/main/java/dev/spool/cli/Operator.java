package dev.spool.cli;

import dev.spool.embedded.DatabaseChoice;
import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.config.SpoolConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The base of the operator commands ({@code enqueue}, {@code stats}, {@code jobs}, {@code dead},
 * {@code queues}): a database and schema, {@code --json}, and exit codes 0 (done), 1 (not found, refused
 * or failed) and 2 (bad usage, also picocli's code for bad options). With {@code --json} a command prints
 * one JSON document on stdout, errors included ({@code {"error": ...}}), except picocli's own usage errors
 * (found before the command knows about --json); without, text for people.
 */
abstract class Operator implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config = new ConfigOption();

  @Option(names = "--db", description = "postgresql:// URI (database.url, $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--schema", description = "schema (schema; default: spool)")
  String schema;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  /** What a command does with an open Spool; returns the exit code. */
  abstract int run(Session session) throws Exception;

  /**
   * Checks the command's arguments before anything connects, so that a typo is a usage error even when
   * the database is unreachable; throws {@link #usage} (the default: nothing to check).
   */
  void validate() {}

  /** A usage error of this command: one line and a pointer to its --help (with --json, a JSON document). */
  ParameterException usage(String problem) {
    return UsageErrors.usage(spec, problem);
  }

  /** The command's Spool options from the configured ones (the default: as configured). */
  SpoolOptions spoolOptions(SpoolOptions configured) {
    return configured;
  }

  /** An open connection to Spool for one command. */
  static final class Session {
    final Spool spool;
    final JobAdmin admin;

    Session(Spool spool, JobAdmin admin) {
      this.spool = spool;
      this.admin = admin;
    }
  }

  @Override
  public Integer call() {
    try {
      validate();
    } catch (ParameterException e) {
      if (json) {
        return fail(USAGE, e.getMessage());
      }
      throw e; // picocli's handler prints it as it prints its own
    } catch (IllegalArgumentException e) { // an options object refusing what the arguments make
      String problem = UsageErrors.inFlagTerms(spec, e.getMessage());
      if (json) {
        return fail(USAGE, problem);
      }
      throw usage(problem);
    }
    DatabaseChoice database;
    SpoolOptions options;
    try {
      config.flag("database.url", db, "--db").flag("schema", schema, "--schema");
      SpoolConfig settings = config.load(HandlerJars.loader(config.handlerJars()));
      options = spoolOptions(settings.spoolOptions());
      database = DatabaseChoice.resolve(settings.databaseUrl(), false, System.out::println);
    } catch (IllegalArgumentException e) {
      if (!json && UsageErrors.ofConfig(spec, e) instanceof ParameterException usage) {
        throw usage;
      }
      return fail(USAGE, e.getMessage());
    }
    try (database) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(database.uri()).options(options).build();
        JobAdmin admin = spool.admin();
        try {
          return run(new Session(spool, admin));
        } finally {
          Await.result(admin.close());
        }
      } finally {
        Await.result(vertx.close());
      }
    } catch (IllegalArgumentException e) {
      return fail(USAGE, e.getMessage());
    } catch (Exception e) {
      return fail(FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints the JSON document of a command's result. */
  int printJson(Object json, int code) {
    out().println(json instanceof JsonObject o ? o.encodePrettily() : json.toString());
    out().flush();
    return code;
  }

  /** Reports a failure (JSON on stdout with --json, else a line on stderr) and returns its exit code. */
  int fail(int code, String message) {
    if (json) {
      return printJson(new JsonObject().put("error", message).put("exit", code), code);
    }
    spec.commandLine().getErr().println("error: " + message);
    spec.commandLine().getErr().flush();
    return code;
  }
}
