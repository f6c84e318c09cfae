package dev.spool.examples.retries;

import dev.spool.GiveUpException;
import dev.spool.JobContext;
import dev.spool.JobHandler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Charges an order through the payment API and tells Spool how it went: a 2xx is done; a 5xx or a broken
 * connection is a failure worth retrying (the API may be back in a moment); a 4xx is final, so it throws
 * {@link GiveUpException} and the job goes straight to {@code dead}. A run that hangs is cut off by the
 * handler's timeout; the request is then aborted through {@link JobContext#cancellation()} so that no
 * connection is left waiting.
 */
public final class ChargeHandler implements JobHandler<Charge> {

  private final HttpClient http;
  private final int apiPort;

  public ChargeHandler(HttpClient http, int apiPort) {
    this.http = http;
    this.apiPort = apiPort;
  }

  @Override
  public Future<?> handle(Charge charge, JobContext ctx) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(apiPort)
        .setURI("/charges").putHeader("Content-Type", "application/json");
    return http.request(request).compose(req -> {
      // Abort the request when the run is over; a tick later, so that the reason Spool records for the
      // run (its timeout) comes first and the reset's own error is not mistaken for it.
      ctx.cancellation().onComplete(stop -> ctx.vertx().runOnContext(v -> req.reset()));
      return req.send(new JsonObject().put("orderId", charge.orderId()).put("cents", charge.cents()).encode());
    }).compose(response -> response.body().compose(body -> {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return Future.succeededFuture(body.toJsonObject());
      }
      String reason = "payment API answered " + status + " " + body + " for order " + charge.orderId();
      return Future.failedFuture(status >= 400 && status < 500 ? new GiveUpException(reason) : new IllegalStateException(reason));
    }));
  }
}
