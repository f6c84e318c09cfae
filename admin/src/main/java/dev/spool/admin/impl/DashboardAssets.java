package dev.spool.admin.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's page and assets, read from the jar once and served from memory. Not through Vert.x's
 * file resolver: that copies class-path files into a cache directory under the temp dir, which another
 * process on the machine may clean away, turning every later request into a 500.
 */
final class DashboardAssets {

  private static final String ROOT = "dev/spool/admin/web/";
  private static final Map<String, String> TYPES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8",
      "views.js", "text/javascript; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8");

  private final Map<String, Buffer> files;

  DashboardAssets() {
    this.files = Map.of(
        "index.html", read("index.html"),
        "dashboard.js", read("dashboard.js"),
        "views.js", read("views.js"),
        "dashboard.css", read("dashboard.css"));
  }

  /** Serves {@code name}; a name that is not an asset goes on to the next route (the API's 404). */
  void serve(RoutingContext ctx, String name) {
    Buffer body = files.get(name);
    if (body == null) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TYPES.get(name))
        // small files that change with each release: revalidating costs less than a stale page
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(body);
  }

  private static Buffer read(String name) {
    try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard asset " + ROOT + name + " is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
