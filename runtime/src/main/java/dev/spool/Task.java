package dev.spool;

import dev.spool.spi.JobCodec;
import dev.spool.spi.JsonCodec;
import dev.spool.spi.JsonValueCodec;
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
 * <p>A handler may complete its future with a value: the job's <em>result</em>, stored with the finished
 * job and read with {@link JobClient#result}, {@link JobClient#await} or by its dependents. It is encoded by
 * {@code resultCodec}: for JSON tasks any JSON object or array ({@link JsonValueCodec}), for others none
 * unless {@link #withResultCodec} gives one. A value the codec does not take (a handler that
 * completes with some object of its own, as many did before results existed) is not stored.
 *
 * @param name        the task name, not blank, at most 200 characters, no control characters
 * @param codec       the codec of its arguments
 * @param resultCodec the codec of its handler's result; null keeps no result
 * @param <A>         the type of the arguments
 */
public record Task<A>(String name, JobCodec<A> codec, JobCodec<?> resultCodec) {

  /** The longest task name accepted. */
  public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

  /**
   * Checks the name and that the codec is there.
   *
   * @param name the task name, not blank, at most {@link #MAX_NAME_LENGTH} characters, no control characters
   * @param codec the codec of its arguments, not null
   * @param resultCodec the codec of its handler's result; null keeps no result
   * @throws NullPointerException when {@code name} or {@code codec} is null
   * @throws IllegalArgumentException for a blank, too long or control-character name
   */
  public Task {
    Objects.requireNonNull(name, "task name");
    Objects.requireNonNull(codec, "codec");
    Names.check("task name", name);
  }

  /**
   * A task whose arguments use {@code codec}. A JSON task keeps its handlers' JSON objects and arrays as
   * results; any other keeps no result unless {@link #withResultCodec} says how to encode one (the value a
   * handler completes with is often not meant as a result: a Reactor value, a client's response).
   *
   * @param name the task name
   * @param codec the codec of its arguments
   */
  public Task(String name, JobCodec<A> codec) {
    this(name, codec, codec instanceof JsonCodec ? JsonValueCodec.INSTANCE : null);
  }

  /**
   * A task whose arguments are a JSON object (the default codec) and whose results are any JSON value.
   *
   * @param name the task name
   * @return the task
   */
  public static Task<JsonObject> json(String name) {
    return new Task<>(name, JsonCodec.INSTANCE);
  }

  /**
   * A task whose arguments use {@code codec}.
   *
   * @param <A> the type of the arguments
   * @param name the task name
   * @param codec the codec of its arguments
   * @return the task, which keeps no result
   */
  public static <A> Task<A> of(String name, JobCodec<A> codec) {
    return new Task<>(name, codec);
  }

  /**
   * This task with its results encoded by {@code resultCodec}.
   *
   * @param resultCodec the codec of its handler's result; null keeps no result
   * @return a new task, this one being unchanged
   */
  public Task<A> withResultCodec(JobCodec<?> resultCodec) {
    return new Task<>(name, codec, resultCodec);
  }
}
