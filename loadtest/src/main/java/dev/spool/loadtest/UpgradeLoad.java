package dev.spool.loadtest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@code upgrade}'s producer processes ({@link UpgradeProducer}) enqueued and awaited, from their lines:
 * every id they were given, the span of every enqueue (ending when its line was read, so on this process's clock)
 * and the awaits' outcomes, so the run can say what was lost and how long an enqueue waited while {@code migrate}
 * ran.
 */
final class UpgradeLoad {

  private static final int SAMPLES = 10;

  private final Set<Long> ids = ConcurrentHashMap.newKeySet();
  private final List<long[]> enqueueSpans = new ArrayList<>();
  private final List<String> errorSamples = new ArrayList<>();
  private long plain;
  private long workflows;
  private long awaits;
  private long awaitsAnswered;
  private long longestAwaitMs;
  private long enqueueErrors;

  /**
   * A producer's line; true when it was one of the protocol's ({@code ENQ}, {@code ENQFAIL}, {@code AWAITED}),
   * false for a log line.
   */
  synchronized boolean line(String line, String side) {
    String[] fields = line.split(" ", 4);
    if (fields.length < 3) {
      return false;
    }
    switch (fields[0]) {
      case "ENQ" -> {
        span(fields[2]);
        String[] all = line.split(" "); // ENQ kind micros id...
        List<Long> given = new ArrayList<>(all.length - 3);
        for (int i = 3; i < all.length; i++) {
          given.add(Long.parseLong(all[i]));
        }
        ids.addAll(given);
        switch (fields[1]) {
          case "plain" -> plain += given.size();
          case "chain", "chord" -> workflows++;
          default -> { }
        }
        return true;
      }
      case "ENQFAIL" -> {
        span(fields[2]);
        enqueueErrors++;
        sample(side + " producer: enqueue (" + fields[1] + "): " + (fields.length > 3 ? fields[3] : ""));
        return true;
      }
      case "AWAITED" -> {
        awaits++;
        longestAwaitMs = Math.max(longestAwaitMs, Long.parseLong(fields[2]));
        if (fields[1].equals("ok")) {
          awaitsAnswered++;
        } else {
          sample(side + " producer: await: " + (fields.length > 3 ? fields[3] : ""));
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void span(String micros) {
    long end = System.nanoTime();
    enqueueSpans.add(new long[] {end - TimeUnit.MICROSECONDS.toNanos(Long.parseLong(micros)), end});
  }

  private void sample(String error) {
    if (errorSamples.size() < SAMPLES) {
      errorSamples.add(error.length() > 300 ? error.substring(0, 300) : error);
    }
  }

  /** The longest enqueue of those that were in flight at some moment between {@code fromNanos} and {@code toNanos}. */
  synchronized long longestEnqueueMs(long fromNanos, long toNanos) {
    long longest = 0;
    for (long[] span : enqueueSpans) {
      if (span[1] >= fromNanos && span[0] <= toNanos) {
        longest = Math.max(longest, span[1] - span[0]);
      }
    }
    return longest / 1_000_000;
  }

  /** Every job id the enqueues returned. */
  Collection<Long> ids() {
    return ids;
  }

  synchronized long plain() {
    return plain;
  }

  synchronized long workflows() {
    return workflows;
  }

  synchronized long awaits() {
    return awaits;
  }

  synchronized long awaitsAnswered() {
    return awaitsAnswered;
  }

  synchronized long awaitErrors() {
    return awaits - awaitsAnswered;
  }

  synchronized long longestAwaitMs() {
    return longestAwaitMs;
  }

  synchronized long enqueueErrors() {
    return enqueueErrors;
  }

  synchronized List<String> errorSamples() {
    return new ArrayList<>(errorSamples);
  }
}
