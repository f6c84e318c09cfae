package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every usage error of every command is two lines on stderr, the problem and where the help is, and exit
 * 2. The commands are walked from the command line itself, so a new command or option is covered without
 * being listed here; none of these reaches a database (none is given), so each is found from the
 * arguments alone.
 */
class UsageErrorsTest {

  /** Option and parameter types that cannot read the word {@code abc}. */
  private static final Set<Class<?>> NOT_TEXT = Set.of(int.class, Integer.class, long.class, Long.class, double.class,
      Double.class, Duration.class, Instant.class);

  @ParameterizedTest(name = "spool {0}")
  @MethodSource("malformed")
  void isOneLineNamingTheProblemAndOnePointingAtHelp(String command, String problem) {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    args.replaceAll(a -> a.equals("''") ? "" : a);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute(args.toArray(String[]::new));

    List<String> lines = err.toString().lines().toList();
    assertThat(lines).as(err.toString()).hasSize(2);
    String path = commandPath(cli, args);
    String name = path.isEmpty() ? "spool" : "spool " + path;
    assertThat(lines.get(0)).startsWith(name + ": ").contains(problem);
    assertThat(lines.get(1)).isEqualTo("Try '" + name + " --help'.");
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
  }

  static Stream<Arguments> malformed() {
    List<Arguments> cases = new ArrayList<>();
    walk(SpoolCommand.commandLine(), cases);
    // what picocli cannot see: each command's own checks of its arguments
    Stream.of(
        "enqueue --task t --count 0|--count",
        "enqueue --task t --count 2 --unique-key k|--unique-key",
        "enqueue --task t --args [1,2]|--args must be a JSON object",
        "enqueue --task t --args {not|--args",
        "enqueue --task t --max-attempts 0|--max-attempts must be at least 1, got 0",
        "enqueue --task t --timeout 0s|--timeout must be between 1 ms and ~24 days, got 0s",
        "enqueue --task t --timeout 5s --soft-timeout 10s|--soft-timeout must be below timeout (5s), got 10s",
        "jobs list --limit 5000|--limit must be 1..1000, got 5000",
        "jobs list --state nope|--state",
        "dead list --limit 0|--limit must be",
        "jobs cancel|cancel which jobs",
        "jobs cancel 5 --all|not both",
        "jobs cancel --state dead|state",
        "jobs delete --state running|state",
        "jobs move --queue q --to ''|--to: queue must be",
        "dead purge|--all",
        "workflows show x|workflow id",
        "demo --jobs 0|--jobs",
        "demo --timeout 0|--timeout",
        // a flag the configuration refuses is the command's usage error too, named as typed
        "worker --workers 0|flag --workers: worker.instances",
        "worker --admin-port 70000|flag --admin-port: admin.port",
        "demo --workers 0|flag --workers",
        "stats --db mysql://db/jobs|flag --db: database.url",
        "stats --config nowhere.yaml|flag --config: nowhere.yaml: no such file",
        "config check --config nowhere.yaml|flag --config: nowhere.yaml: no such file",
        "worker --config nowhere.yaml|flag --config: nowhere.yaml: no such file",
        "worker --handlers nowhere.jar|--handlers: no such file or folder: nowhere.jar"
    ).map(c -> c.split("\\|")).forEach(c -> cases.add(Arguments.of(c[0], c[1])));
    return cases.stream();
  }

  /** Malformed input for a command and its subcommands: an unknown option, a bad value, a missing argument. */
  private static void walk(CommandLine cli, List<Arguments> cases) {
    CommandSpec spec = cli.getCommandSpec();
    String path = spec.qualifiedName().equals("spool") ? "" : spec.qualifiedName().substring("spool ".length()) + " ";
    cases.add(Arguments.of(path + "--bogus x", "--bogus"));
    for (OptionSpec option : spec.options()) {
      if (option.arity().max() > 0 && rejectsText(option)) {
        cases.add(Arguments.of(path + option.longestName() + " abc", option.longestName()));
      }
    }
    spec.positionalParameters().stream().filter(UsageErrorsTest::rejectsText)
        .forEach(p -> cases.add(Arguments.of(path + "abc", p.paramLabel())));
    if (!path.isEmpty()) { // a bare `spool` shows what it can do, as asking for help
      if (!cli.getSubcommands().isEmpty()) {
        cases.add(Arguments.of(path.strip(), "give a command: " + String.join(", ", cli.getSubcommands().keySet())));
      } else if (spec.args().stream().anyMatch(ArgSpec::required)) {
        cases.add(Arguments.of(path.strip(), "Missing required"));
      }
    }
    cli.getSubcommands().values().forEach(sub -> walk(sub, cases));
  }

  private static boolean rejectsText(ArgSpec arg) {
    return NOT_TEXT.contains(arg.type()) || arg.type().isEnum();
  }

  /** The command the arguments name: the words that are subcommands, from the root. */
  private static String commandPath(CommandLine root, List<String> args) {
    List<String> names = new ArrayList<>();
    CommandLine at = root;
    for (String arg : args) {
      CommandLine sub = at.getSubcommands().get(arg);
      if (sub == null) {
        break;
      }
      names.add(arg);
      at = sub;
    }
    return String.join(" ", names);
  }
}
