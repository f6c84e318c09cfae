package dev.spool.examples.reactor;

import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.codecs.JacksonCodec;
import dev.spool.examples.ExampleDatabase;
import dev.spool.reactor.ReactorJobClient;
import dev.spool.reactor.ReactorJobHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spool from Reactor code: a stream of addresses is enqueued as geocoding jobs from a {@link Flux}
 * (batched into a few statements), and a handler written as a {@link Mono} geocodes each through a
 * Reactor-style client. Options: {@code --db postgresql://...} and {@code --addresses 1000}.
 */
public final class ReactorExample {

  /** A geocoding job's arguments. */
  public record Address(String street, String city) {}

  /** A geocoding result. */
  public record Coordinates(double latitude, double longitude) {}

  public static final Task<Address> GEOCODE = Task.of("geocode", JacksonCodec.of(Address.class));

  private final Map<Address, Coordinates> geocoded = new ConcurrentHashMap<>();

  /** What the handlers have stored so far, by address (stands in for a table of results). */
  public Map<Address, Coordinates> geocoded() {
    return geocoded;
  }

  public static void main(String[] args) throws Exception {
    int addresses = Integer.parseInt(ExampleDatabase.option(args, "--addresses", "1000"));
    try (ExampleDatabase db = ExampleDatabase.fromArgs(args)) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(db.uri()).options(new SpoolOptions().setSchema("examples_reactor")).build();
        ReactorExample example = new ReactorExample();
        ExampleDatabase.await(spool.migrate().compose(v -> example.deployWorkers(spool)), 60);

        long started = System.nanoTime();
        Long enqueued = example.enqueue(ReactorJobClient.of(spool.client()), addresses(addresses)).count().block();
        System.out.printf("enqueued %d geocoding jobs from a Flux in %d ms%n", enqueued, (System.nanoTime() - started) / 1_000_000);
        Flux.interval(Duration.ofMillis(100)).map(tick -> example.geocoded().size())
            .takeUntil(done -> done >= addresses).blockLast(Duration.ofSeconds(120));
        System.out.printf("geocoded %d addresses, e.g. %s%n", example.geocoded().size(),
            example.geocoded().entrySet().iterator().next());
      } finally {
        ExampleDatabase.await(vertx.close(), 60);
      }
    }
  }

  /** {@code n} distinct addresses, as a stream might deliver them from a file or another service. */
  public static Flux<Address> addresses(int n) {
    return Flux.range(1, n).map(i -> new Address(i + " Rue de Rivoli", i % 2 == 0 ? "Paris" : "Lyon"));
  }

  /** Enqueues one job per address, in batches; emits the job ids in the order of the addresses. */
  public Flux<Long> enqueue(ReactorJobClient jobs, Flux<Address> addresses) {
    return jobs.withBatchSize(500).enqueueAll(GEOCODE, addresses, new EnqueueOptions().setMaxAttempts(5));
  }

  /** Deploys two worker verticles whose handler is a Mono. */
  public Future<String> deployWorkers(Spool spool) {
    JobHandlers handlers = new JobHandlers().register(GEOCODE,
        ReactorJobHandler.of((address, ctx) -> geocode(address).doOnNext(coordinates -> geocoded.put(address, coordinates))),
        new HandlerOptions().setTimeout(Duration.ofSeconds(5)));
    return spool.deployWorkers(new WorkerOptions(), handlers, 2);
  }

  /** Stands in for a Reactor-based HTTP client (WebClient, reactor-netty): an answer after a short wait. */
  static Mono<Coordinates> geocode(Address address) {
    double base = address.city().equals("Paris") ? 48.86 : 45.76;
    return Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(5, 30)))
        .map(tick -> new Coordinates(base + address.street().length() / 1000.0, 2.35));
  }
}
