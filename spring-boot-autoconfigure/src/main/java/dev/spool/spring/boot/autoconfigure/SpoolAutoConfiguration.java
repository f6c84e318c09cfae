package dev.spool.spring.boot.autoconfigure;

import dev.spool.JdbcJobClient;
import dev.spool.JobAdmin;
import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.impl.Await;
import dev.spool.spring.impl.EnvironmentConfig;
import dev.spool.spring.impl.TransactionalJobClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Spool's core beans, each unless the application defines its own: the {@link SpoolProperties} read from
 * {@code spool.*}, the {@link Vertx} it runs on, the {@link Spool} (its schema migrated when
 * {@code spool.worker.migrate} is true, the default), a {@link JobClient} that joins Spring-managed JDBC
 * transactions, a {@link JdbcJobClient} and a {@link JobAdmin}.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(Spool.class)
public class SpoolAutoConfiguration {

  /** How long the schema migration at startup may take. */
  static final Duration MIGRATE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The {@code spool.*} properties, bound from the environment.
   *
   * @param environment Spring's environment
   * @return the properties
   */
  @Bean
  @ConditionalOnMissingBean
  public SpoolProperties spoolProperties(ConfigurableEnvironment environment) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return EnvironmentConfig.bind(environment, loader != null ? loader : SpoolAutoConfiguration.class.getClassLoader());
  }

  /**
   * The Vert.x instance Spool runs on; closed with the context.
   *
   * @return a new Vert.x instance
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Vertx spoolVertx() {
    return Vertx.vertx();
  }

  /**
   * The Spool, configured by the properties and every {@link SpoolCustomizer}, its schema migrated first when
   * {@code spool.worker.migrate} is true; closed with the context.
   *
   * @param vertx the Vert.x instance
   * @param properties the {@code spool.*} properties
   * @param customizers the application's customizers, in order
   * @return the Spool
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Spool spool(Vertx vertx, SpoolProperties properties, ObjectProvider<SpoolCustomizer> customizers) {
    Spool.Builder builder = Spool.builder(vertx).config(properties.config());
    customizers.orderedStream().forEach(c -> c.customize(builder));
    Spool spool = builder.build();
    if (properties.config().migrate()) {
      try {
        Await.result(spool.migrate(), MIGRATE_TIMEOUT, "migrating Spool's schema");
      } catch (RuntimeException e) {
        spool.close();
        throw e;
      }
    }
    return spool;
  }

  /**
   * The client that enqueues on the caller's JDBC connection.
   *
   * @param spool the Spool
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  public JdbcJobClient spoolJdbcClient(Spool spool) {
    return spool.jdbcClient();
  }

  /**
   * Spool's own client, for an application without Spring JDBC or a DataSource.
   *
   * @param spool the Spool
   * @return the client
   */
  @Bean
  @ConditionalOnMissingBean
  public JobClient spoolJobClient(Spool spool) {
    return spool.client();
  }

  /**
   * The operator's view of the jobs and queues; closed with the context.
   *
   * @param spool the Spool
   * @return the admin
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public JobAdmin spoolJobAdmin(Spool spool) {
    return spool.admin();
  }

  /** The client that joins the caller's JDBC transaction, when the application has a DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceUtils.class)
  @ConditionalOnBean(DataSource.class)
  static class TransactionalClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JobClient spoolTransactionalJobClient(Spool spool, JdbcJobClient jdbc, DataSource dataSource, SpoolProperties properties) {
      // a transaction of another database cannot hold Spool's jobs: then the usual path, always
      return properties.databaseFromDataSource() ? new TransactionalJobClient(spool.client(), jdbc, dataSource)
          : spool.client();
    }
  }
}
