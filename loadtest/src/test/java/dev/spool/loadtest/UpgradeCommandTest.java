package dev.spool.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code upgrade} with bad input says what is wrong in one line and exits 2 before it starts anything (the
 * whole run needs two releases' jars: {@code .ci/run} runs it).
 */
class UpgradeCommandTest {

  @Test
  void withoutAPreviousReleaseItAsksForOne() {
    assertThat(run("upgrade", "--db", "postgresql://nowhere/x"))
        .isEqualTo("upgrade: give the previous release as --old-jar PATH or --old-commit COMMIT (one of them)");
  }

  @Test
  void aJarThatIsNotThereIsNamed() {
    assertThat(run("upgrade", "--db", "postgresql://nowhere/x", "--old-jar", "no/such/old.jar"))
        .isEqualTo("upgrade: --old-jar no/such/old.jar: no such file");
    assertThat(run("upgrade", "--db", "postgresql://nowhere/x", "--old-commit", "62913f6", "--new-jar", "no/such/new.jar"))
        .startsWith("upgrade: --new-jar no/such/new.jar: no such file");
  }

  /** Runs the command, checks it exited 2 and printed nothing on stdout, and returns its error line. */
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTest.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    assertThat(exit).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    return err.toString().strip();
  }
}
