package dev.spool.impl.execute;

import io.vertx.core.json.JsonObject;

/** The error kept on a job: exception class, message, a stack excerpt and the attempt that failed. */
public final class Errors {

  /** Stack frames kept per error; enough to find the throwing line without bloating the row. */
  static final int STACK_FRAMES = 20;
  static final int MAX_MESSAGE = 2000;

  private Errors() {}

  public static JsonObject describe(Throwable failure, int attempt) {
    StringBuilder stack = new StringBuilder();
    Throwable t = failure;
    int frames = 0;
    while (t != null && frames < STACK_FRAMES) {
      if (t != failure) {
        stack.append("caused by ").append(t).append('\n');
      }
      for (StackTraceElement e : t.getStackTrace()) {
        if (frames++ >= STACK_FRAMES) {
          break;
        }
        stack.append("  at ").append(e).append('\n');
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "…";
    }
    return new JsonObject()
        .put("class", failure.getClass().getName())
        .put("message", message)
        .put("stack", stack.toString())
        .put("attempt", attempt);
  }
}
