package dev.spool.impl.connect;

import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a database URL the way libpq does where Vert.x's parser stops short: several hosts
 * ({@code postgresql://user@h1:5432,h2:5433/db}) and {@code target_session_attrs}. vertx-pg-client 5 takes
 * one host only (its URI parser's host part matches no comma) and would send {@code target_session_attrs}
 * to the server as a setting, which PostgreSQL refuses; so the host list and that parameter are taken
 * out here, and the rest of the URL (user, password, database, other parameters) is still read by Vert.x,
 * from the same URL with the first host alone.
 *
 * @param hosts the servers, in the order given
 * @param readWrite true for {@code target_session_attrs=read-write} or {@code primary}: only a server
 *     that accepts writes will do
 * @param base the options of the URL's first host (the others differ in host and port only)
 */
public record ConnectUri(List<HostSelector.Host> hosts, boolean readWrite, PgConnectOptions base) {

  private static final String[] SCHEMES = {"postgresql://", "postgres://"};
  static final int DEFAULT_PORT = 5432;

  /** True when one plain host is all there is: Vert.x connects by itself, nothing to choose. */
  public boolean isSingleHost() {
    return hosts.size() == 1 && !readWrite;
  }

  /** Parses {@code uri}; throws {@link IllegalArgumentException} saying what is wrong with it. */
  public static ConnectUri parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty; expected postgresql://user@host:port/database");
    }
    String scheme = null;
    for (String s : SCHEMES) {
      if (uri.regionMatches(true, 0, s, 0, s.length())) {
        scheme = uri.substring(0, s.length());
      }
    }
    if (scheme == null) {
      throw new IllegalArgumentException("a database URL starts with postgresql:// (or postgres://), not "
          + redact(uri));
    }
    String rest = uri.substring(scheme.length());
    int authorityEnd = indexOfAny(rest, '/', '?');
    String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
    String tail = authorityEnd < 0 ? "" : rest.substring(authorityEnd);
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
    List<HostSelector.Host> hosts = hosts(at < 0 ? authority : authority.substring(at + 1), uri);

    boolean readWrite = false;
    int q = tail.indexOf('?');
    String path = q < 0 ? tail : tail.substring(0, q);
    StringBuilder query = new StringBuilder();
    if (q >= 0) {
      for (String pair : tail.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String key = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
        if (key.equals("target_session_attrs")) {
          readWrite = readWrite(eq < 0 ? "" : pair.substring(eq + 1), uri);
        } else if (!pair.isEmpty()) {
          query.append(query.length() == 0 ? "?" : "&").append(pair);
        }
      }
    }
    HostSelector.Host first = hosts.get(0);
    String hostPart = first.host().contains(":") ? "[" + first.host() + "]" : first.host();
    PgConnectOptions base;
    try {
      base = PgConnectOptions.fromUri(scheme + userInfo + hostPart + ":" + first.port() + path + query);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the database URL " + redact(uri) + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    return new ConnectUri(List.copyOf(hosts), readWrite, base);
  }

  private static List<HostSelector.Host> hosts(String list, String uri) {
    List<HostSelector.Host> hosts = new ArrayList<>();
    if (list.isEmpty()) {
      // no host: Vert.x's default (localhost), as a single-host URL without one always had
      hosts.add(new HostSelector.Host("localhost", DEFAULT_PORT));
      return hosts;
    }
    for (String entry : list.split(",", -1)) {
      String host;
      String port = null;
      if (entry.startsWith("[")) { // [ipv6]:port
        int close = entry.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("unclosed [ in the host " + entry + " of " + redact(uri));
        }
        host = entry.substring(1, close);
        if (close + 1 < entry.length()) {
          if (entry.charAt(close + 1) != ':') {
            throw new IllegalArgumentException("expected :port after " + entry.substring(0, close + 1) + " in " + redact(uri));
          }
          port = entry.substring(close + 2);
        }
      } else {
        int colon = entry.lastIndexOf(':');
        host = colon < 0 ? entry : entry.substring(0, colon);
        port = colon < 0 ? null : entry.substring(colon + 1);
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("an empty host in the host list \"" + list + "\" of " + redact(uri)
            + "; expected host[:port] separated by commas");
      }
      hosts.add(new HostSelector.Host(host, port == null ? DEFAULT_PORT : port(port, entry, uri)));
    }
    return hosts;
  }

  private static int port(String text, String entry, String uri) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("the port of " + entry + " in " + redact(uri) + " is not a number from 1 to 65535");
  }

  private static boolean readWrite(String value, String uri) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "any":
        return false;
      case "read-write":
      case "primary":
        return true;
      default:
        throw new IllegalArgumentException("target_session_attrs=" + value + " in " + redact(uri)
            + " is not supported: Spool writes, so it takes read-write (or primary, the same here) or any");
    }
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }

  /** The URL without its password, for messages. */
  static String redact(String uri) {
    return uri.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
  }
}
