package dev.spool.admin.impl;

import dev.spool.admin.AdminOptions;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The first handler of every request, before the token: what a browser on the operator's machine could be
 * tricked into sending is refused here, and so is input no route can read.
 *
 * <ul>
 *   <li><b>DNS rebinding.</b> Bound to loopback, the API answers only requests whose {@code Host} is a
 *       loopback name ({@code localhost}, {@code *.localhost}, {@code 127.0.0.0/8}, {@code [::1]}), the
 *       bound address or one of {@link AdminOptions#getAllowedHosts}: a page of {@code evil.example} whose
 *       name was rebound to 127.0.0.1 sends {@code Host: evil.example} and gets a 403, so it can read no job.
 *       Bound elsewhere, the token (which such a page never has) guards instead.
 *   <li><b>Cross-site requests.</b> A state change (any method but GET, HEAD and OPTIONS) carrying an
 *       {@code Origin} that is not this API's own, or {@code Sec-Fetch-Site: cross-site / same-site}, is a
 *       403: a form on another local origin cannot pause a queue or retry a job. The dashboard's own
 *       requests are same-origin; curl and the CLI send no Origin.
 *   <li><b>Unreadable input.</b> A malformed percent-encoding in the query string is a 400, not a fault.
 * </ul>
 * Every answer also carries headers that keep the dashboard out of frames and its page to its own scripts.
 */
final class RequestGuard {

  /** The dashboard loads only its own files and talks only to its own API; no frame may hold it. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final Set<String> CROSS_SITE = Set.of("cross-site", "same-site");

  private final boolean anyHost;
  private final Set<String> hosts;

  RequestGuard(AdminOptions options) {
    this.anyHost = !AdminOptions.isLoopback(options.getHost());
    this.hosts = options.getAllowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    secure(ctx.response());
    HostAndPort authority = request.authority();
    if (!anyHost && authority != null && !allowedHost(authority.host())) {
      refuse(ctx, 403, "Host " + authority.host() + " is not this API's: bound to loopback, it answers only "
          + "localhost, loopback addresses and admin.allowedHosts");
      return;
    }
    if (!SAFE.contains(request.method())) {
      String origin = request.getHeader(HttpHeaders.ORIGIN);
      String site = request.getHeader("Sec-Fetch-Site");
      if (origin != null ? !sameOrigin(origin, authority) : site != null && CROSS_SITE.contains(site.toLowerCase(Locale.ROOT))) {
        refuse(ctx, 403, "cross-origin " + request.method() + " refused" + (origin == null ? "" : " (Origin " + origin + ")")
            + ": state changes come from this API's own dashboard, or from clients that send no Origin");
        return;
      }
    }
    try {
      ctx.queryParams(); // decodes the query string once; routes read the decoded parameters
    } catch (RuntimeException e) {
      refuse(ctx, 400, "malformed query string: " + e.getMessage());
      return;
    }
    ctx.next();
  }

  private boolean allowedHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost") || hosts.contains(h)
        || (looksLikeIp(h) && AdminOptions.isLoopback(h));
  }

  private static boolean looksLikeIp(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  /** Whether {@code origin} is {@code scheme://host[:port]} of the request's own {@code Host}. */
  private static boolean sameOrigin(String origin, HostAndPort authority) {
    if (authority == null) {
      return false;
    }
    String self = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    String o = origin.toLowerCase(Locale.ROOT);
    return o.equals("http://" + self.toLowerCase(Locale.ROOT)) || o.equals("https://" + self.toLowerCase(Locale.ROOT));
  }

  static void secure(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(new JsonObject().put("error", message).put("status", status).encode());
  }

  /**
   * Requests Vert.x cannot parse (a request line or headers over its limits, broken HTTP) never reach the
   * router: this answers them in the API's JSON shape (414, 431 or 400) and closes the connection, as
   * Vert.x's default handler does in plain text.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long (the URI with its query string)";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large";
    } else {
      status = 400;
      message = "malformed HTTP request" + (cause == null ? "" : ": " + cause.getMessage());
    }
    HttpServerResponse response = request.response();
    secure(response);
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(new JsonObject().put("error", message).put("status", status).encode())
        .onComplete(ar -> request.connection().close());
  }
}
