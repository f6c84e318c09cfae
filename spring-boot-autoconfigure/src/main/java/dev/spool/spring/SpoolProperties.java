package dev.spool.spring;

import dev.spool.config.SpoolConfig;

/**
 * What the {@code spool.*} properties (and {@code SPOOL_*} variables, and {@code spring.datasource.*} for the
 * database) configure: the same model as {@code spool.yaml}, and the keys of the Spring integration alone.
 *
 * @param config                 the configuration, as {@code spool config check} would read it
 * @param workerEnabled          {@code spool.worker.enabled}: false makes an enqueue-only node (true by default)
 * @param databaseFromDataSource true when Spool's database is the application's DataSource's, so an enqueue
 *                               inside a Spring-managed transaction joins it
 */
public record SpoolProperties(SpoolConfig config, boolean workerEnabled, boolean databaseFromDataSource) {}
