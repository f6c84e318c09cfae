package dev.spool.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringAndBytesCodecTest {

  final StringCodec strings = StringCodec.INSTANCE;
  final BytesCodec bytes = BytesCodec.INSTANCE;

  @Test
  void manyGeneratedStringsComeBackEqualAndAreStandardUtf8() {
    Generated gen = new Generated(11);
    for (int i = 0; i < 5000; i++) {
      String s = gen.unicode(100);
      byte[] encoded = strings.encode(s);
      assertThat(encoded).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
      assertThat(strings.decode(encoded)).isEqualTo(s);
    }
    String large = gen.large(500_000);
    assertThat(strings.decode(strings.encode(large))).isEqualTo(large);
    assertThat(strings.decode(strings.encode(""))).isEmpty();
  }

  @Test
  void malformedUtf8IsRefusedWithItsOffset() {
    assertThatThrownBy(() -> strings.decode(new byte[] {'o', 'k', (byte) 0xC3, '('}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not valid UTF-8: a malformed sequence of 1 byte(s) at byte 2 of 4");
    // An overlong '/', an encoded surrogate half, and a truncated emoji: all refused, none replaced.
    assertThatThrownBy(() -> strings.decode(new byte[] {(byte) 0xC0, (byte) 0xAF})).hasMessageContaining("at byte 0");
    assertThatThrownBy(() -> strings.decode(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).hasMessageContaining("at byte 1");
    assertThatThrownBy(() -> strings.decode(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98})).hasMessageContaining("not valid UTF-8");
  }

  @Test
  void anUnpairedSurrogateIsRefusedAtEncodeInsteadOfBecomingAQuestionMark() {
    assertThatThrownBy(() -> strings.encode("ab\uD83D")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not encodable as UTF-8: unpaired surrogate U+D83D at index 2");
    assertThatThrownBy(() -> strings.encode("\uDE00x")).hasMessageContaining("U+DE00 at index 0");
    assertThatThrownBy(() -> strings.encode(null)).hasMessageContaining("null");
  }

  @Test
  void bytesComeBackAsTheyWereAndEncodingCopiesThem() {
    Generated gen = new Generated(5);
    for (int i = 0; i < 2000; i++) {
      byte[] b = gen.bytes(300);
      assertThat(bytes.decode(bytes.encode(b))).isEqualTo(b);
    }
    byte[] reused = {1, 2, 3};
    byte[] encoded = bytes.encode(reused);
    reused[0] = 9;
    assertThat(encoded).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> bytes.encode(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
