package dev.spool.spring.impl;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The PostgreSQL JDBC URL of {@code spring.datasource.*} as the {@code postgresql://} URL Spool connects with. */
public final class JdbcUrls {

  private static final String PREFIX = "jdbc:postgresql:";

  private JdbcUrls() {}

  /** Whether a JDBC URL is PostgreSQL's (pgJDBC's form). */
  public static boolean isPostgres(String jdbcUrl) {
    return jdbcUrl != null && jdbcUrl.startsWith(PREFIX);
  }

  /**
   * {@code jdbc:postgresql://host:5432/db?sslmode=require} with a user and password as
   * {@code postgresql://user:password@host:5432/db?sslmode=require}; {@code jdbc:postgresql:db} as
   * {@code postgresql://localhost/db}. The URL's own {@code user} and {@code password} parameters are used
   * when {@code username}/{@code password} are null; other parameters are kept as written.
   */
  public static String toSpoolUrl(String jdbcUrl, String username, String password) {
    String rest = jdbcUrl.substring(PREFIX.length());
    String hostAndPath = rest.startsWith("//") ? rest.substring(2) : "localhost/" + rest;
    String query = null;
    int q = hostAndPath.indexOf('?');
    if (q >= 0) {
      query = hostAndPath.substring(q + 1);
      hostAndPath = hostAndPath.substring(0, q);
    }
    List<String> kept = new ArrayList<>();
    if (query != null) {
      for (String param : query.split("&")) {
        String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
        String value = param.contains("=") ? param.substring(param.indexOf('=') + 1) : "";
        if (name.equals("user") && username == null) {
          username = URLDecoder.decode(value, StandardCharsets.UTF_8); // encoded again below, once
        } else if (name.equals("password") && password == null) {
          password = URLDecoder.decode(value, StandardCharsets.UTF_8);
        } else if (!name.equals("user") && !name.equals("password") && !param.isEmpty()) {
          kept.add(param);
        }
      }
    }
    StringBuilder out = new StringBuilder("postgresql://");
    if (username != null && !username.isEmpty()) {
      out.append(encode(username));
      if (password != null && !password.isEmpty()) {
        out.append(':').append(encode(password));
      }
      out.append('@');
    }
    out.append(hostAndPath);
    if (!kept.isEmpty()) {
      out.append('?').append(String.join("&", kept));
    }
    return out.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
