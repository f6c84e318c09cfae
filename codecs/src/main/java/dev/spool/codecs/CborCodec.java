package dev.spool.codecs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * Job arguments as a typed record or POJO, stored as CBOR (RFC 8949) through Jackson: the binary
 * counterpart of {@link JacksonCodec}, with the same strict decoding and field-naming errors. Pick it for
 * payloads with binary fields ({@code byte[]} is stored as is, not as Base64) or many numbers, where it is
 * smaller than JSON; the price is that the {@code args} column is no longer readable in {@code psql}.
 *
 * <pre>{@code
 * static final Task<Thumbnail> THUMBNAIL = Task.of("thumbnail", CborCodec.of(Thumbnail.class));
 * }</pre>
 */
public final class CborCodec {

  private static final ObjectMapper DEFAULT_MAPPER = defaultMapper();

  private CborCodec() {}

  /** A CBOR codec of {@code type} on the strict {@link #defaultMapper()}. */
  public static <A> JacksonCodec<A> of(Class<A> type) {
    return JacksonCodec.using(DEFAULT_MAPPER, type);
  }

  /** A CBOR codec of a generic type. */
  public static <A> JacksonCodec<A> of(TypeReference<A> type) {
    return JacksonCodec.using(DEFAULT_MAPPER, type);
  }

  /** A new CBOR mapper with the settings of {@link JacksonCodec#strict}. */
  public static ObjectMapper defaultMapper() {
    return JacksonCodec.strict(CBORMapper.builder()).build();
  }
}
