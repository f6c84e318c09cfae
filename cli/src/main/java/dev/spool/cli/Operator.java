package dev.spool.cli;

import dev.spool.embedded.DatabaseChoice;
import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The base of the operator commands ({@code enqueue}, {@code stats}, {@code jobs}, {@code dead},
 * {@code queues}): a database and schema, {@code --json}, and exit codes 0 (done), 1 (not found, refused
 * or failed) and 2 (bad usage, also picocli's code for bad options). With {@code --json} a command prints
 * one JSON document on stdout, errors included ({@code {"error": ...}}); without, text for people.
 */
abstract class Operator implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL)")
  String db;

  @Option(names = "--schema", defaultValue = "spool", description = "schema (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  /** What a command does with an open Spool; returns the exit code. */
  abstract int run(Session session) throws Exception;

  /** Options of the command's Spool beyond its schema (the default: none). */
  SpoolOptions spoolOptions() {
    return new SpoolOptions();
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
    DatabaseChoice database;
    try {
      database = DatabaseChoice.resolve(db, false, System.out::println);
    } catch (IllegalArgumentException e) {
      return fail(USAGE, e.getMessage());
    }
    try (database) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(database.uri()).options(spoolOptions().setSchema(schema)).build();
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
