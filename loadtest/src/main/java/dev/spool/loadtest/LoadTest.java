package dev.spool.loadtest;

import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar loadtest/target/spool-loadtest.jar <command>}: Spool's load generator. Each command
 * writes progress to stderr and ends with exactly one JSON line on stdout.
 */
@Command(name = "spool-loadtest", mixinStandardHelpOptions = true, version = "spool-loadtest 0.1.0",
    description = "Throughput and latency of Spool on a real PostgreSQL.",
    subcommands = {DrainCommand.class, SteadyCommand.class, CompareCommand.class, ChaosCommand.class, FairCommand.class,
        WorkflowCommand.class, AwaitCommand.class, ScaleCommand.class, BulkCommand.class, SoakCommand.class,
        JdbcEnqueueCommand.class, UpgradeCommand.class, HorizonCommand.class,
        MigrationStallCommand.class})
public final class LoadTest implements Runnable {

  /**
   * Held so the levels set on them stay set (java.util.logging keeps loggers weakly). Spool's own INFO
   * lines (leader elected, ...) would interleave with progress; its warnings still show.
   */
  private static final Logger[] QUIET = {Logger.getLogger("io.zonky"), Logger.getLogger("io.vertx"),
      Logger.getLogger("dev.spool")};

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line, for tests that run a command in-process. */
  public static CommandLine commandLine() {
    for (Logger logger : QUIET) {
      logger.setLevel(Level.WARNING);
    }
    return new CommandLine(new LoadTest())
        // bad input (a setting out of range, virtual threads before Java 21): one line and exit 2, nothing run
        .setExecutionExceptionHandler((e, cli, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            cli.getErr().println(cli.getCommandName() + ": " + e.getMessage());
            return 2;
          }
          throw e;
        });
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
