package dev.spool.config;

/**
 * One leaf key of the effective configuration, as {@code spool config show} lists it.
 *
 * @param path   the key path, e.g. {@code worker.batchSize}, {@code tasks.send-email.retry.maxAttempts} or
 *               {@code periodic[0].cron}
 * @param value  the value as it would be written in the file: a number, boolean or string, a duration as
 *               text ({@code 30s}), a list as a {@code List<String>}, {@code args} as a JsonObject; null when
 *               unset. Already masked when secret: {@code ****}, or for a URL the URL with its password
 *               replaced by {@code ****}
 * @param source where the value came from
 * @param detail where exactly: {@code spool.yaml:12}, the variable name or the flag name; null for a default
 * @param secret true for keys whose values are never shown (the database URL's password, the admin token)
 */
public record ConfigEntry(String path, Object value, ConfigSource source, String detail, boolean secret) {}
