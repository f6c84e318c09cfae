package dev.spool;

import dev.spool.spi.JobCodec;
import dev.spool.spi.JsonCodec;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A kind of job: its name, as stored in the {@code task} column, and the codec of its arguments.
 * Declare one constant per task and use it on both sides, so the producer and the handler agree:
 *
 * <pre>{@code
 * static final Task<JsonObject> SEND_EMAIL = Task.json("send-email");
 * client.enqueue(SEND_EMAIL, new JsonObject().put("to", "a@example.com"));
 * handlers.register(SEND_EMAIL, (args, ctx) -> mailer.send(args.getString("to")));
 * }</pre>
 *
 * @param name  the task name, not blank, at most 200 characters, no control characters
 * @param codec the codec of its arguments
 * @param <A>   the type of the arguments
 */
public record Task<A>(String name, JobCodec<A> codec) {

  /** The longest task name accepted. */
  public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

  public Task {
    Objects.requireNonNull(name, "task name");
    Objects.requireNonNull(codec, "codec");
    Names.check("task name", name);
  }

  /** A task whose arguments are a JSON object (the default codec). */
  public static Task<JsonObject> json(String name) {
    return new Task<>(name, JsonCodec.INSTANCE);
  }

  /** A task whose arguments use {@code codec}. */
  public static <A> Task<A> of(String name, JobCodec<A> codec) {
    return new Task<>(name, codec);
  }
}
