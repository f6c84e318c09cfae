package dev.spool.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar spool.jar <command>}: the fat jar's entry point. */
@Command(name = "spool", mixinStandardHelpOptions = true, version = "spool 0.1.0",
    description = "Spool, a reactive job runtime for Vert.x on PostgreSQL.",
    subcommands = {DemoCommand.class, WorkerCommand.class, ConfigCommand.class, MigrateCommand.class, EnqueueCommand.class,
        StatsCommand.class, JobsCommand.class, DeadCommand.class, QueuesCommand.class,
        WorkersCommand.class, WorkflowsCommand.class})
public final class SpoolCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Held so the levels set on them stay set (java.util.logging keeps loggers weakly). */
  private static final Logger[] QUIET = {Logger.getLogger("io.zonky"), Logger.getLogger("io.vertx")};

  public static void main(String[] args) {
    for (Logger logger : QUIET) {
      logger.setLevel(Level.WARNING);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with Spool's error handling: a usage error is one line and a pointer to the command's
   * {@code --help} (exit 2); a wrong or missing setting is one line (exit 2); anything else a stack trace (exit 1).
   */
  static CommandLine commandLine() {
    return new CommandLine(new SpoolCommand())
        .setParameterExceptionHandler(new UsageErrors())
        // A wrong or missing setting is the user's to fix: one line and exit 2, not a stack trace.
        .setExecutionExceptionHandler((e, cli, parsed) -> {
          cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
          if (e instanceof IllegalArgumentException) {
            return UsageErrors.EXIT;
          }
          e.printStackTrace(cli.getErr());
          return 1;
        });
  }
}
