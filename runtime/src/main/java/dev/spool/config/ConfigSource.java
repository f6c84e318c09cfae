package dev.spool.config;

/** Where the effective value of a configuration key came from, lowest precedence first. */
public enum ConfigSource {
  /** Nothing set it: Spool's default. */
  DEFAULT,
  /** The configuration file (or the JSON object given to {@link SpoolConfig#fromJson}). */
  FILE,
  /** A {@code SPOOL_*} environment variable. */
  ENV,
  /** A command-line flag. */
  FLAG
}
