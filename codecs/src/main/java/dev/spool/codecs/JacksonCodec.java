package dev.spool.codecs;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.spool.spi.JobCodec;
import java.util.Locale;
import java.util.Objects;

/**
 * Job arguments as a typed record or POJO, stored as JSON through Jackson, so a handler receives a
 * {@code ResizeImage}, not a map:
 *
 * <pre>{@code
 * record ResizeImage(String url, int width) {}
 * static final Task<ResizeImage> RESIZE = Task.of("resize-image", JacksonCodec.of(ResizeImage.class));
 * handlers.register(RESIZE, (image, ctx) -> resizer.resize(image.url(), image.width()));
 * }</pre>
 *
 * <p>The default mapper ({@link #defaultMapper()}) is strict on purpose: a payload written by an older or
 * foreign producer that does not fit the type fails to decode, and the job goes to {@code dead} with an
 * error naming the field, instead of running with a silently zeroed or dropped value. It fails on unknown
 * fields, on missing constructor (record) fields, on {@code null} for primitives, on a string where a
 * number belongs and on trailing data. {@code java.time} types are written as ISO-8601 text. POJOs bound
 * through setters cannot tell a missing field from a default one; give them a {@code @JsonCreator}
 * constructor when fields are required. For other rules pass your own mapper to {@link #using}.
 *
 * <p>The same class serves binary formats: {@link CborCodec} is this codec on a CBOR mapper.
 *
 * @param <A> the type of the arguments
 */
public final class JacksonCodec<A> implements JobCodec<A> {

  private static final ObjectMapper DEFAULT_MAPPER = defaultMapper();

  private final String name;
  private final JavaType type;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JacksonCodec(ObjectMapper mapper, JavaType type) {
    Objects.requireNonNull(mapper, "mapper");
    this.type = Objects.requireNonNull(type, "type");
    this.name = "jackson-" + mapper.getFactory().getFormatName().toLowerCase(Locale.ROOT);
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
  }

  /** A JSON codec of {@code type} on the strict {@link #defaultMapper()}. */
  public static <A> JacksonCodec<A> of(Class<A> type) {
    return using(DEFAULT_MAPPER, type);
  }

  /** A JSON codec of a generic type, such as {@code new TypeReference<List<ResizeImage>>() {}}. */
  public static <A> JacksonCodec<A> of(TypeReference<A> type) {
    return using(DEFAULT_MAPPER, type);
  }

  /** A codec of {@code type} on {@code mapper}, whose format (JSON, CBOR, Smile...) it keeps. */
  public static <A> JacksonCodec<A> using(ObjectMapper mapper, Class<A> type) {
    return new JacksonCodec<>(mapper, mapper.constructType(type));
  }

  /** A codec of a generic type on {@code mapper}. */
  public static <A> JacksonCodec<A> using(ObjectMapper mapper, TypeReference<A> type) {
    return new JacksonCodec<>(mapper, mapper.constructType(type));
  }

  /** A new JSON mapper with Spool's strict settings (see the class comment); copy it to adjust. */
  public static ObjectMapper defaultMapper() {
    return strict(JsonMapper.builder()).build();
  }

  /**
   * Applies Spool's strict settings to any Jackson mapper builder, so every format decodes alike.
   * Public for codecs of other Jackson formats built the same way.
   */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
    return builder
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        // "12" is not a number: a producer sending strings for numbers has a bug worth hearing about
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
  }

  @Override
  public String name() {
    return name;
  }

  /** The type this codec reads and writes. */
  public JavaType type() {
    return type;
  }

  @Override
  public byte[] encode(A args) {
    try {
      return writer.writeValueAsBytes(args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + typeName() + " as " + name + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads the arguments; on a payload of the wrong shape throws an {@link IllegalArgumentException} whose
   * message starts with the path of the offending field, such as {@code field 'size.width' of ResizeImage}.
   */
  @Override
  public A decode(byte[] bytes) {
    try {
      return reader.readValue(bytes);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  private String describe(java.io.IOException e) {
    if (!(e instanceof JacksonException jackson)) {
      return "cannot read " + typeName() + " as " + name + ": " + e.getMessage();
    }
    String what = jackson instanceof JsonProcessingException p ? p.getOriginalMessage() : jackson.getMessage();
    String field = jackson instanceof JsonMappingException m ? path(m) : "";
    if (field.isEmpty() && what != null) {
      // A missing record field fails at the constructor, before a path exists: its name is in the message.
      field = quotedName(what, "Missing creator property '");
    }
    String where = field.isEmpty() ? typeName() + at(jackson.getLocation()) : "field '" + field + "' of " + typeName();
    return where + ": " + what;
  }

  /** The path Jackson was at, such as {@code items[2].width}. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String quotedName(String message, String prefix) {
    int start = message.indexOf(prefix);
    if (start < 0) {
      return "";
    }
    start += prefix.length();
    int end = message.indexOf('\'', start);
    return end < 0 ? "" : message.substring(start, end);
  }

  private static String at(JsonLocation location) {
    if (location == null) {
      return "";
    }
    long offset = location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    return offset >= 0 ? " at byte " + offset : "";
  }

  private String typeName() {
    return type.getRawClass().getSimpleName();
  }

  @Override
  public String toString() {
    return name + "(" + type.toCanonical() + ")";
  }
}
