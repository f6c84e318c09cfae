package dev.spool.config;

/**
 * One key the configuration accepts, as the schema declares it: what IDE metadata, documentation and other
 * front ends of the same model (Spring's {@code spool.*} properties) are generated from.
 *
 * @param path         the key path; an entry of {@code queues} or {@code tasks} is written
 *                     {@code queues.*.rateLimit}, an item of {@code periodic} {@code periodic[*].cron}
 * @param type         how its text is read: {@code int}, {@code long}, {@code double}, {@code boolean},
 *                     {@code string}, {@code duration} ({@code 30s}), {@code duration-or-forever},
 *                     {@code duration-or-off}, {@code list} (comma-separated or a list), {@code paths},
 *                     {@code rate} ({@code 10/1s}), {@code catch-up}, {@code on-stuck}, {@code zone} or
 *                     {@code object} (a mapping)
 * @param defaultValue the default as it would be written in the file ({@code 30s}, {@code 100}), or null
 * @param secret       true for keys whose values are never shown
 */
public record ConfigKey(String path, String type, Object defaultValue, boolean secret) {}
