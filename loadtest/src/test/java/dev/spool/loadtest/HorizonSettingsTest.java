package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code horizon --keys}: parsed, its keys named so they sort as the keyed claim takes them, and a negative count
 * refused in one line before anything runs (the run itself is CI's keyed horizon smoke, from the jar).
 */
class HorizonSettingsTest {

  @Test
  void withoutKeysTheQueueIsPlain() {
    assertThat(parse().keys).isZero();
    assertThat(parse("--keys", "20").keys).isEqualTo(20);
  }

  @Test
  void keysAreNamedInOrder() {
    assertThat(HorizonSettings.keyNames(3)).containsExactly("key-000", "key-001", "key-002");
    String[] many = HorizonSettings.keyNames(1_500);
    assertThat(many[0]).isEqualTo("key-0000");
    assertThat(many[1_499]).isEqualTo("key-1499");
    String[] sorted = many.clone();
    Arrays.sort(sorted);
    assertThat(many).containsExactly(sorted);
    assertThat(HorizonSettings.keyNames(0)).isEmpty();
  }

  @Test
  void negativeKeysAreRefusedBeforeAnyWork() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("horizon", "--db", "postgresql://nowhere/x", "--keys", "-1");
    assertThat(exit).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip()).isEqualTo("horizon: --keys must be at least 0 (0: a plain queue), got -1");
  }

  private static HorizonSettings parse(String... args) {
    HorizonCommand command = new HorizonCommand();
    new CommandLine(command).parseArgs(args);
    command.settings.validate();
    return command.settings;
  }
}
