package dev.spool.admin;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: what java.net.http refuses to send (a malformed
 * percent-encoding, a foreign {@code Host}, a request line of 10,000 characters) is what these tests need.
 */
final class RawHttp {

  /** A response: status, headers (names lower case) and body. */
  record Response(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  /** Sends {@code METHOD target} with {@code Host: 127.0.0.1:port} unless {@code headers} name another. */
  static Response send(int port, String method, String target, Map<String, String> headers) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "127.0.0.1:" + port);
    all.putAll(headers);
    all.put("Connection", "close");
    all.forEach((name, value) -> {
      if (value != null) {
        head.append(name).append(": ").append(value).append("\r\n");
      }
    });
    head.append("\r\n");
    return exchange(port, head.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Response get(int port, String target) {
    return send(port, "GET", target, Map.of());
  }

  private static Response exchange(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return parse(bytes.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no complete HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers, text.substring(end + 4));
  }
}
