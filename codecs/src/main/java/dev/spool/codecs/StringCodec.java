package dev.spool.codecs;

import dev.spool.spi.JobCodec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * Job arguments that are one string (an id, a URL, a line of text), stored as UTF-8. Both directions are
 * strict: a string with an unpaired surrogate is refused at enqueue, and stored bytes that are not
 * well-formed UTF-8 fail to decode (the job goes to {@code dead}) instead of reaching the handler with
 * U+FFFD replacement characters in them.
 */
public final class StringCodec implements JobCodec<String> {

  /** The one instance; the codec holds no state. */
  public static final StringCodec INSTANCE = new StringCodec();

  private StringCodec() {}

  @Override
  public String name() {
    return "string-utf8";
  }

  @Override
  public byte[] encode(String args) {
    if (args == null) {
      throw new IllegalArgumentException("the string codec does not store null; pass \"\" for no payload");
    }
    int bad = unpairedSurrogate(args);
    if (bad >= 0) {
      // String.getBytes would quietly write '?' here, and the handler would get another string.
      throw new IllegalArgumentException(String.format("not encodable as UTF-8: unpaired surrogate U+%04X at index %d",
          (int) args.charAt(bad), bad));
    }
    return args.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never yields more chars than bytes, so one pass fills this buffer without overflow.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new IllegalArgumentException("not valid UTF-8: a malformed sequence of " + result.length()
          + " byte(s) at byte " + in.position() + " of " + bytes.length);
    }
    return out.flip().toString();
  }

  /** The index of the first unpaired surrogate, or -1. */
  private static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
