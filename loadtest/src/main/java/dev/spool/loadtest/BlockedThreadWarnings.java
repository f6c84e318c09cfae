package dev.spool.loadtest;

import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts Vert.x's "Thread blocked" warnings while open: a handler on the java.util.logging logger of
 * Vert.x's blocked-thread checker, which warns when an event loop (or a worker thread) runs one task for
 * too long. Vert.x logs through SLF4J when it finds it, and the load tester's SLF4J binding is
 * java.util.logging, so either way the records reach this logger.
 */
final class BlockedThreadWarnings implements AutoCloseable {

  /** The logger Vert.x 5's checker ({@code io.vertx.core.internal.threadchecker.BlockedThreadChecker}) logs to. */
  static final String LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  private final Logger logger = Logger.getLogger(LOGGER); // held: java.util.logging keeps loggers weakly
  private final LongAdder warnings = new LongAdder();
  private final Handler counter = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.increment();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private BlockedThreadWarnings() {
    logger.setLevel(Level.WARNING); // counted even where a logging setup silences Vert.x
    logger.addHandler(counter);
  }

  /** Starts counting. */
  static BlockedThreadWarnings watch() {
    return new BlockedThreadWarnings();
  }

  /** The warnings seen so far. */
  long count() {
    return warnings.sum();
  }

  @Override
  public void close() {
    logger.removeHandler(counter);
  }
}
