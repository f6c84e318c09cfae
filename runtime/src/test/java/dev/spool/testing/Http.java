package dev.spool.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking HTTP client for tests of the admin API (from the test thread, never an event loop). */
public final class Http {

  /** A response: status, body, and the body as JSON when it is JSON. */
  public record Response(int status, String body, String contentType) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private String token;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Http withToken(String token) {
    return new Http(base, token);
  }

  private Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Response get(String path) {
    return send("GET", path);
  }

  public Response post(String path) {
    return send("POST", path);
  }

  public Response delete(String path) {
    return send("DELETE", path);
  }

  public Response send(String method, String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(),
          response.headers().firstValue("content-type").orElse(""));
    } catch (Exception e) {
      throw new RuntimeException(method + " " + path + ": " + e, e);
    }
  }
}
