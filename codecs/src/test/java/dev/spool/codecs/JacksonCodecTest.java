package dev.spool.codecs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.spool.codecs.Generated.Invoice;
import dev.spool.codecs.Generated.Order;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JacksonCodecTest {

  record ResizeImage(String url, int width) {}

  record Gallery(String title, List<ResizeImage> images) {}

  static Stream<JacksonCodec<Order>> orderCodecs() {
    return Stream.of(JacksonCodec.of(Order.class), CborCodec.of(Order.class));
  }

  static Stream<JacksonCodec<Gallery>> galleryCodecs() {
    return Stream.of(JacksonCodec.of(Gallery.class), CborCodec.of(Gallery.class));
  }

  @ParameterizedTest
  @MethodSource("orderCodecs")
  void manyGeneratedRecordsComeBackEqual(JacksonCodec<Order> codec) {
    Generated gen = new Generated(42);
    for (int i = 0; i < 2000; i++) {
      Order order = gen.order();
      assertThat(codec.decode(codec.encode(order))).as("order %d", i).isEqualTo(order);
    }
  }

  @ParameterizedTest
  @MethodSource("orderCodecs")
  void aHalfMegabyteStringComesBackEqual(JacksonCodec<Order> codec) {
    Generated gen = new Generated(7);
    Order order = gen.orderWithNote(gen.large(500_000));
    byte[] bytes = codec.encode(order);
    assertThat(bytes.length).isGreaterThan(500_000);
    assertThat(codec.decode(bytes)).isEqualTo(order);
  }

  @Test
  void beanStylePojosAndGenericTypesRoundTrip() {
    Generated gen = new Generated(3);
    JacksonCodec<Invoice> invoices = JacksonCodec.of(Invoice.class);
    JacksonCodec<List<Order>> lists = CborCodec.of(new TypeReference<List<Order>>() {});
    for (int i = 0; i < 200; i++) {
      Invoice invoice = gen.invoice();
      assertThat(invoices.decode(invoices.encode(invoice))).isEqualTo(invoice);
      List<Order> orders = List.of(gen.order(), gen.order());
      assertThat(lists.decode(lists.encode(orders))).isEqualTo(orders);
    }
  }

  @Test
  void jsonIsReadableTextWithIsoDates() {
    record Reminder(String to, Instant at) {}
    byte[] bytes = JacksonCodec.of(Reminder.class).encode(new Reminder("ana@example.com", Instant.parse("2026-01-02T03:04:05.123Z")));
    assertThat(new String(bytes, UTF_8)).isEqualTo("{\"to\":\"ana@example.com\",\"at\":\"2026-01-02T03:04:05.123Z\"}");
    assertThat(JacksonCodec.of(Reminder.class).name()).isEqualTo("jackson-json");
    assertThat(CborCodec.of(Reminder.class).name()).isEqualTo("jackson-cbor");
  }

  @Test
  void cborStoresBinaryFieldsSmallerThanJson() {
    record Thumbnail(String name, byte[] png) {}
    Thumbnail thumbnail = new Thumbnail("cat.png", new Generated(1).bytes(30_000));
    int json = JacksonCodec.of(Thumbnail.class).encode(thumbnail).length;
    int cbor = CborCodec.of(Thumbnail.class).encode(thumbnail).length;
    // Base64 costs a third more; CBOR stores the bytes as they are.
    assertThat(cbor).isLessThan(thumbnail.png().length + 100).isLessThan(json * 4 / 5);
  }

  @ParameterizedTest
  @MethodSource("galleryCodecs")
  void aFieldOfTheWrongTypeIsNamedWithItsPath(JacksonCodec<Gallery> codec) {
    byte[] bytes = encodeAs(codec, "{\"title\":\"t\",\"images\":[{\"url\":\"a\",\"width\":1},{\"url\":\"b\",\"width\":\"wide\"}]}");
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field 'images[1].width' of Gallery: ")
        .hasMessageContaining("\"wide\"");
  }

  @ParameterizedTest
  @MethodSource("galleryCodecs")
  void anUnknownFieldIsNamed(JacksonCodec<Gallery> codec) {
    byte[] bytes = encodeAs(codec, "{\"title\":\"t\",\"images\":[],\"tilte\":\"typo\"}");
    assertThatThrownBy(() -> codec.decode(bytes)).hasMessageStartingWith("field 'tilte' of Gallery: Unrecognized field \"tilte\"");
  }

  @Test
  void aMissingRecordFieldIsNamed() {
    JacksonCodec<ResizeImage> codec = JacksonCodec.of(ResizeImage.class);
    assertThatThrownBy(() -> codec.decode("{\"url\":\"a\"}".getBytes(UTF_8)))
        .hasMessageStartingWith("field 'width' of ResizeImage: Missing creator property 'width'");
  }

  @Test
  void nullForANumberAndAStringForANumberAreRefused() {
    JacksonCodec<ResizeImage> codec = JacksonCodec.of(ResizeImage.class);
    assertThatThrownBy(() -> codec.decode("{\"url\":\"a\",\"width\":null}".getBytes(UTF_8)))
        .hasMessageStartingWith("field 'width' of ResizeImage: ");
    assertThatThrownBy(() -> codec.decode("{\"url\":\"a\",\"width\":\"12\"}".getBytes(UTF_8)))
        .hasMessageStartingWith("field 'width' of ResizeImage: ");
  }

  @Test
  void brokenJsonSaysWhere() {
    JacksonCodec<ResizeImage> codec = JacksonCodec.of(ResizeImage.class);
    assertThatThrownBy(() -> codec.decode("{\"url\":\"a\",".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ResizeImage at byte ");
    assertThatThrownBy(() -> codec.decode("{\"url\":\"a\",\"width\":1} {}".getBytes(UTF_8)))
        .hasMessageContaining("Trailing token");
  }

  /** The bytes a producer of another shape would have written, in the codec's own format. */
  private static byte[] encodeAs(JacksonCodec<?> codec, String json) {
    var node = JacksonCodec.of(com.fasterxml.jackson.databind.JsonNode.class).decode(json.getBytes(UTF_8));
    return codec.name().equals("jackson-cbor") ? CborCodec.of(com.fasterxml.jackson.databind.JsonNode.class).encode(node)
        : json.getBytes(UTF_8);
  }
}
