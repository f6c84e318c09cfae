package dev.spool.loadtest;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code chaos --fault} does to the workers while the jobs drain. Each mode prints one JSON line
 * with the same core fields ({@code lost}, {@code duplicates}, {@code in_flight_at_kills},
 * {@code max_recovery_s}, {@code held_jobs_never_rerun}).
 */
enum Fault {
  /** SIGKILL a worker process every {@code --kill-every} seconds (the leader every other time) and start another. */
  KILL("kill"),
  /** Black-hole one worker's path to PostgreSQL for {@code --fault-seconds}, sockets left open, then heal it. */
  PARTITION("partition"),
  /** SIGSTOP one worker process for {@code --fault-seconds}, then SIGCONT. */
  FREEZE("freeze"),
  /** Drain half the jobs with workers next to PostgreSQL, half through a link adding {@code --link-rtt-ms}. */
  SLOW_LINK("slow-link"),
  /** Stop a scratch primary mid-run and promote its synchronous standby; the workers follow by themselves. */
  FAILOVER("failover");

  final String label;

  Fault(String label) {
    this.label = label;
  }

  /** Parses the command-line spelling; an unknown one names the known ones. */
  static final class Converter implements ITypeConverter<Fault> {
    @Override
    public Fault convert(String value) {
      return Arrays.stream(values()).filter(f -> f.label.equals(value)).findFirst()
          .orElseThrow(() -> new TypeConversionException("unknown fault '" + value + "'; expected one of "
              + Arrays.stream(values()).map(f -> f.label).collect(Collectors.joining(", "))));
    }
  }

  /** The modes' spellings, for the help text. */
  static final class Labels implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Arrays.stream(values()).map(f -> f.label).iterator();
    }
  }
}
