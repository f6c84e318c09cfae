package dev.spool.cli;

import dev.spool.config.ConfigException;
import dev.spool.config.ConfigSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Usage errors of every command, picocli's own (an unknown option, a value of the wrong type, a missing
 * argument) and the commands' checks of their arguments: one line naming the problem and one pointing at
 * the command's help, on stderr, exit 2. The whole usage text, 13 to 34 lines, buried the one that mattered.
 */
final class UsageErrors implements IParameterExceptionHandler {

  /** picocli's code for invalid input, and Spool's for bad usage. */
  static final int EXIT = CommandLine.ExitCode.USAGE;

  private static final Pattern FIRST_WORD = Pattern.compile("[a-z][A-Za-z]*(?= )");
  private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z])([A-Z])");
  private static final Pattern ISO_DURATION = Pattern.compile("\\bPT(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?\\b");

  /** A usage error of the command {@code spec}, for a command's own checks of its arguments. */
  static ParameterException usage(CommandSpec spec, String problem) {
    return new ParameterException(spec.commandLine(), problem);
  }

  /**
   * An options object's refusal ({@code maxAttempts must be at least 1}, {@code softTimeout must be below
   * timeout (PT5S), got PT10S}) as the command line says it: its first word as the command's flag when it
   * has one ({@code --max-attempts}), durations as the flags take them ({@code 5s}).
   */
  static String inFlagTerms(CommandSpec spec, String message) {
    if (message == null) {
      return "not accepted";
    }
    Matcher first = FIRST_WORD.matcher(message);
    String out = message;
    if (first.lookingAt()) {
      String flag = "--" + CAMEL_HUMP.matcher(first.group()).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
      if (spec.findOption(flag) != null) {
        out = flag + message.substring(first.end());
      }
    }
    Matcher iso = ISO_DURATION.matcher(out);
    StringBuilder readable = new StringBuilder();
    while (iso.find()) {
      iso.appendReplacement(readable, Matcher.quoteReplacement(DurationConverter.format(Duration.parse(iso.group()))));
    }
    return iso.appendTail(readable).toString();
  }

  /**
   * A configuration error as the command reports it: a bad value of one of its flags ({@code worker
   * --workers 0}) is a usage error of the command, the rest stays a one-line configuration error.
   */
  static RuntimeException ofConfig(CommandSpec spec, IllegalArgumentException e) {
    return e instanceof ConfigException c && c.source() == ConfigSource.FLAG ? usage(spec, e.getMessage()) : e;
  }

  /** The usage error of a command that only groups others, run without one. */
  static ParameterException missingSubcommand(CommandSpec spec) {
    return usage(spec, "give a command: " + String.join(", ", spec.subcommands().keySet()));
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String command = cli.getCommandSpec().qualifiedName();
    err.println(command + ": " + problem(e, cli));
    err.println("Try '" + command + " --help'.");
    err.flush();
    return EXIT;
  }

  private static String problem(ParameterException e, CommandLine cli) {
    List<String> unmatched = cli.getUnmatchedArguments();
    // picocli checks required options before it reports unknown ones: `enqueue --bogus x` would say
    // "Missing required option '--task'" and not mention --bogus, the mistake
    UnmatchedArgumentException unknown = e instanceof UnmatchedArgumentException u ? u
        : unmatched.isEmpty() ? null : new UnmatchedArgumentException(cli, unmatched);
    String problem = oneLine(unknown != null ? unknown.getMessage() : e.getMessage());
    if (unknown != null && !unknown.getSuggestions().isEmpty()) {
      problem += " (did you mean " + unknown.getSuggestions().get(0) + "?)";
    }
    return problem;
  }

  private static String oneLine(String message) {
    return message == null ? "bad usage" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
