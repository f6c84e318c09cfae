package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An orchestrator's probes of a worker process's admin API until the process exits: {@code /ready} then
 * {@code /health}, every 50 ms, each with what it answered or that it was refused.
 */
final class Probes {

  /**
   * Requests sent this close before the end of the drain may race the admin API's close (the last handler
   * has finished; the worker deregisters, then Vert.x closes): only those sent earlier must be answered.
   */
  static final Duration RACE_MARGIN = Duration.ofMillis(250);

  /** One request: its path, when it was sent, its status (-1 when refused) and body. */
  record Probe(String path, Instant sentAt, int status, String body) {}

  private final List<Probe> sent = new ArrayList<>();

  private Probes() {}

  /** Probes {@code process}'s admin API until the process exits. */
  static Probes untilExit(Process process, Http http) throws InterruptedException {
    Probes probes = new Probes();
    while (process.isAlive()) {
      probes.send(http, "/ready");
      probes.send(http, "/health");
      Thread.sleep(50);
    }
    return probes;
  }

  private void send(Http http, String path) {
    Instant at = Instant.now();
    Http.Response response;
    try {
      response = http.get(path);
    } catch (RuntimeException refused) {
      response = null;
    }
    sent.add(new Probe(path, at, response == null ? -1 : response.status(), response == null ? "" : response.body()));
  }

  /**
   * Asserts that from the first {@code /ready} 503 giving {@code reason} until {@code until} (when the last
   * running handler had finished), every probe was answered: {@code /ready} 503 with the reason, {@code /health}
   * 200; and that there were a few rounds of them, so the drain was probed.
   */
  void answeredNotReadyUntil(String reason, Instant until) {
    int first = -1;
    for (int i = 0; i < sent.size() && first < 0; i++) {
      Probe p = sent.get(i);
      if (p.path().equals("/ready") && p.status() == 503 && p.body().contains(reason)) {
        first = i;
      }
    }
    assertThat(first).as("a /ready 503 with \"%s\" among %s", reason, sent).isNotNegative();
    Instant end = until.minus(RACE_MARGIN);
    List<Probe> draining = sent.subList(first, sent.size()).stream().filter(p -> p.sentAt().isBefore(end)).toList();
    assertThat(draining).as("the drain was probed, until %s: %s", end, sent).hasSizeGreaterThanOrEqualTo(6);
    assertThat(draining).allSatisfy(p -> {
      if (p.path().equals("/ready")) {
        assertThat(p.status()).as("/ready at %s", p.sentAt()).isEqualTo(503);
        assertThat(p.body()).contains(reason);
      } else {
        assertThat(p.status()).as("/health at %s", p.sentAt()).isEqualTo(200);
      }
    });
  }
}
