package dev.spool.spi;

/**
 * Turns a job's arguments into the bytes stored in the {@code args} column and back. A codec is chosen
 * per task (see {@link dev.spool.Task}); the default is {@link JsonCodec}, whose bytes are the UTF-8
 * text of a JSON document, which is also what the SQL function {@code enqueue} writes.
 *
 * <p>{@link #decode} may throw anything: the worker sends a job whose payload cannot be decoded to
 * {@code dead} at once with the codec's message, without retrying, and goes on with the next job.
 *
 * @param <A> the type of the arguments
 */
public interface JobCodec<A> {

  /**
   * A short name for errors and logs, such as {@code json}.
   *
   * @return the name
   */
  String name();

  /**
   * Encodes arguments for storage; throws {@link IllegalArgumentException} when they cannot be.
   *
   * @param args the arguments
   * @return the bytes to store
   */
  byte[] encode(A args);

  /**
   * Decodes stored bytes; throws when they are not a valid encoding of {@code A}.
   *
   * @param bytes the stored bytes
   * @return the arguments
   * @throws Exception when the bytes do not decode
   */
  A decode(byte[] bytes) throws Exception;
}
