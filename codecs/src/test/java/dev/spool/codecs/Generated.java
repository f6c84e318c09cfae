package dev.spool.codecs;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/** Random job arguments for round-trip tests: seeded, so a failure can be replayed. */
final class Generated {

  enum Size { SMALL, MEDIUM, LARGE }

  record Address(String street, String city, Optional<String> zip) {}

  /** A record with one field of each kind a job's arguments tend to have. */
  record Order(UUID id, String customer, int quantity, long cents, double weight, boolean gift, Size size,
      Instant placedAt, LocalDate deliverOn, List<String> tags, Map<String, Integer> counts, Address shipTo,
      byte[] attachment, String note) {

    // A record compares arrays by reference; a round trip makes a new array, so compare contents.
    @Override
    public boolean equals(Object o) {
      return o instanceof Order other && Arrays.equals(attachment, other.attachment) && sameValues(other);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, customer, quantity, Arrays.hashCode(attachment));
    }

    private boolean sameValues(Order o) {
      return Objects.equals(id, o.id) && Objects.equals(customer, o.customer) && quantity == o.quantity
          && cents == o.cents && Double.compare(weight, o.weight) == 0 && gift == o.gift && size == o.size
          && Objects.equals(placedAt, o.placedAt) && Objects.equals(deliverOn, o.deliverOn)
          && Objects.equals(tags, o.tags) && Objects.equals(counts, o.counts) && Objects.equals(shipTo, o.shipTo)
          && Objects.equals(note, o.note);
    }
  }

  /** A bean-style class, as older code bases write their DTOs. */
  static final class Invoice {
    private String number;
    private long totalCents;
    private List<String> lines = new ArrayList<>();

    public String getNumber() {
      return number;
    }

    public void setNumber(String number) {
      this.number = number;
    }

    public long getTotalCents() {
      return totalCents;
    }

    public void setTotalCents(long totalCents) {
      this.totalCents = totalCents;
    }

    public List<String> getLines() {
      return lines;
    }

    public void setLines(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Invoice other && Objects.equals(number, other.number) && totalCents == other.totalCents
          && Objects.equals(lines, other.lines);
    }

    @Override
    public int hashCode() {
      return Objects.hash(number, totalCents, lines);
    }
  }

  /** Code point ranges drawn from: ASCII and controls, accents, scripts, CJK, combining marks, emoji. */
  private static final int[][] RANGES = {
      {0x20, 0x7E}, {0x00, 0x1F}, {0xA0, 0x17F}, {0x370, 0x3FF}, {0x400, 0x4FF}, {0x590, 0x6FF},
      {0x300, 0x36F}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xE000, 0xF8FF}, {0xFFF0, 0xFFFF},
      {0x1F300, 0x1FAFF}, {0x1F1E6, 0x1F1FF}, {0x10000, 0x1007F}, {0x20000, 0x2A6DF}, {0x10FFF0, 0x10FFFF}};

  private final Random random;

  Generated(long seed) {
    this.random = new Random(seed);
  }

  /** A string of up to {@code maxCodePoints} code points from all over Unicode (never a lone surrogate). */
  String unicode(int maxCodePoints) {
    int n = random.nextInt(maxCodePoints + 1);
    StringBuilder s = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      if (random.nextInt(20) == 0) {
        s.append("👩‍👩‍👧‍👦"); // a ZWJ sequence: several code points, one glyph
        continue;
      }
      int[] range = RANGES[random.nextInt(RANGES.length)];
      s.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
    }
    return s.toString();
  }

  /** About {@code bytes} bytes of UTF-8: mostly ASCII, with emoji and CJK sprinkled in. */
  String large(int bytes) {
    StringBuilder s = new StringBuilder(bytes);
    int size = 0;
    while (size < bytes) {
      int pick = random.nextInt(100);
      if (pick < 2) {
        s.append("😀");
        size += 4;
      } else if (pick < 5) {
        s.append('語');
        size += 3;
      } else {
        s.append((char) ('a' + random.nextInt(26)));
        size += 1;
      }
    }
    return s.toString();
  }

  byte[] bytes(int max) {
    byte[] b = new byte[random.nextInt(max + 1)];
    random.nextBytes(b);
    return b;
  }

  Order order() {
    List<String> tags = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      tags.add(unicode(12));
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      counts.put(unicode(8), random.nextInt());
    }
    Address address = new Address(unicode(30), unicode(15), random.nextBoolean() ? Optional.of(unicode(6)) : Optional.empty());
    return new Order(new UUID(random.nextLong(), random.nextLong()), unicode(40), random.nextInt(), random.nextLong(),
        random.nextDouble() * Math.pow(10, random.nextInt(40) - 20) * (random.nextBoolean() ? 1 : -1),
        random.nextBoolean(), Size.values()[random.nextInt(Size.values().length)],
        Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000_000)),
        LocalDate.ofEpochDay(random.nextInt(100_000)), tags, counts, random.nextInt(4) == 0 ? null : address,
        bytes(64), random.nextInt(10) == 0 ? null : unicode(200));
  }

  Order orderWithNote(String note) {
    Order o = order();
    return new Order(o.id(), o.customer(), o.quantity(), o.cents(), o.weight(), o.gift(), o.size(), o.placedAt(),
        o.deliverOn(), o.tags(), o.counts(), o.shipTo(), o.attachment(), note);
  }

  Invoice invoice() {
    Invoice invoice = new Invoice();
    invoice.setNumber(unicode(10));
    invoice.setTotalCents(random.nextLong());
    for (int i = random.nextInt(4); i > 0; i--) {
      invoice.getLines().add(unicode(30));
    }
    return invoice;
  }
}
