package dev.spool.impl.job;

import dev.spool.Task;

/** The one place job arguments are encoded and held to the size limit, for enqueues and periodic jobs alike. */
public final class Payloads {

  private Payloads() {}

  /**
   * The arguments encoded by the task's codec; throws {@link IllegalArgumentException} when the codec
   * cannot encode them or they are larger than {@code maxPayloadBytes} (SpoolOptions.maxPayloadBytes).
   */
  public static <A> byte[] encode(Task<A> task, A args, int maxPayloadBytes) {
    byte[] bytes;
    try {
      bytes = task.codec().encode(args);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot encode the arguments of task " + task.name() + " with codec "
          + task.codec().name() + ": " + e.getMessage(), e);
    }
    if (bytes.length > maxPayloadBytes) {
      throw new IllegalArgumentException("the arguments of task " + task.name() + " are " + bytes.length
          + " bytes encoded, more than the limit of " + maxPayloadBytes + " (SpoolOptions.maxPayloadBytes)");
    }
    return bytes;
  }
}
