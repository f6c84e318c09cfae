package dev.spool.examples.retries;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a third-party payment API, misbehaving on purpose, per order: it answers at once, fails
 * with 503 a few times before it works, never answers at all, or refuses the charge with 422. It listens
 * on a free port of its own, so the example's handler makes a real HTTP call.
 */
public final class FakePaymentApi {

  /** How the API treats one order's charges. */
  public enum Behaviour {
    /** 200 at once. */
    OK,
    /** 503 for the first {@link #FLAKY_FAILURES} calls, then 200. */
    FLAKY,
    /** Accepts the request and never answers. */
    HANGS,
    /** 422: the card is declined; asking again will not change that. */
    DECLINES
  }

  /** Calls a FLAKY order fails before it succeeds. */
  public static final int FLAKY_FAILURES = 2;

  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger abandoned = new AtomicInteger();
  private HttpServer server;

  /** Sets how charges of {@code orderId} are answered (OK when not set). */
  public FakePaymentApi behave(String orderId, Behaviour behaviour) {
    behaviours.put(orderId, behaviour);
    return this;
  }

  public Future<FakePaymentApi> start(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0).map(s -> {
      server = s;
      return this;
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** Charge requests received for {@code orderId}. */
  public int calls(String orderId) {
    AtomicInteger n = calls.get(orderId);
    return n == null ? 0 : n.get();
  }

  /** Requests the caller gave up on while this API kept them waiting (the connection was closed). */
  public int abandonedCalls() {
    return abandoned.get();
  }

  public Future<Void> stop() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String orderId = body.toJsonObject().getString("orderId");
      int call = calls.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
      switch (behaviours.getOrDefault(orderId, Behaviour.OK)) {
        case OK -> ok(request, orderId);
        case FLAKY -> {
          if (call <= FLAKY_FAILURES) {
            request.response().setStatusCode(503).end("{\"error\":\"try again later\"}");
          } else {
            ok(request, orderId);
          }
        }
        case HANGS -> request.connection().closeHandler(v -> abandoned.incrementAndGet());
        case DECLINES -> request.response().setStatusCode(422).end("{\"error\":\"card declined\"}");
      }
    });
  }

  private static void ok(HttpServerRequest request, String orderId) {
    request.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("orderId", orderId).put("status", "charged").encode());
  }
}
