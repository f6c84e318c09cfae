package dev.spool.codecs;

import dev.spool.spi.JobCodec;

/**
 * Job arguments that are already bytes (a serialized message of your own, a small file), stored as they
 * are. Encoding copies the array, because the enqueue completes later and the caller may reuse it.
 */
public final class BytesCodec implements JobCodec<byte[]> {

  /** The one instance; the codec holds no state. */
  public static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  @Override
  public String name() {
    return "bytes";
  }

  /** A copy of {@code args}; {@code null} is refused (send an empty array for "nothing"). */
  @Override
  public byte[] encode(byte[] args) {
    if (args == null) {
      throw new IllegalArgumentException("the bytes codec does not store null; pass new byte[0] for no payload");
    }
    return args.clone();
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes;
  }
}
