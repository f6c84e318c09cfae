package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An orchestrator's probes of a worker process's admin API, sent every 50 ms until the process exits: what
 * {@code /ready} and {@code /health} answered, or that the connection was refused.
 */
final class Probes {

  /** One round: when it was sent, the status of {@code /ready} (with its body) and of {@code /health}, -1 when refused. */
  record Probe(Instant sentAt, int ready, String readyBody, int health) {}

  private final List<Probe> sent = new ArrayList<>();

  private Probes() {}

  /** Probes {@code process}'s admin API until the process exits. */
  static Probes untilExit(Process process, Http http) throws InterruptedException {
    Probes probes = new Probes();
    while (process.isAlive()) {
      Instant at = Instant.now();
      Http.Response ready = answer(http, "/ready");
      Http.Response health = answer(http, "/health");
      probes.sent.add(new Probe(at, ready == null ? -1 : ready.status(), ready == null ? "" : ready.body(),
          health == null ? -1 : health.status()));
      Thread.sleep(50);
    }
    return probes;
  }

  private static Http.Response answer(Http http, String path) {
    try {
      return http.get(path);
    } catch (RuntimeException refused) {
      return null;
    }
  }

  /**
   * Asserts that from the first {@code /ready} 503 giving {@code reason} until {@code until} (when the last
   * running handler had finished), every probe was answered: {@code /ready} 503 with the reason, {@code /health}
   * 200; and that this went on for over a second, so the drain was probed.
   */
  void answeredNotReadyUntil(String reason, Instant until) {
    int first = -1;
    for (int i = 0; i < sent.size() && first < 0; i++) {
      if (sent.get(i).ready() == 503 && sent.get(i).readyBody().contains(reason)) {
        first = i;
      }
    }
    assertThat(first).as("a /ready 503 with \"%s\" among %s", reason, sent).isNotNegative();
    List<Probe> draining = sent.subList(first, sent.size()).stream().filter(p -> p.sentAt().isBefore(until)).toList();
    assertThat(draining).as("probes before %s among %s", until, sent).isNotEmpty();
    assertThat(Duration.between(draining.get(0).sentAt(), until)).as("the drain was probed")
        .isGreaterThan(Duration.ofSeconds(1));
    assertThat(draining).allSatisfy(p -> {
      assertThat(p.ready()).as("/ready at %s", p.sentAt()).isEqualTo(503);
      assertThat(p.readyBody()).contains(reason);
      assertThat(p.health()).as("/health at %s", p.sentAt()).isEqualTo(200);
    });
  }
}
