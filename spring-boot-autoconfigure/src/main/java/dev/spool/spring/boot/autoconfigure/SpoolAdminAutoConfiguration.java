package dev.spool.spring.boot.autoconfigure;

import dev.spool.Spool;
import dev.spool.admin.AdminVerticle;
import dev.spool.spring.SpoolAdminLifecycle;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.impl.SpoolAdminServer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spool's admin API and dashboard on {@code spool.admin.port} (or with {@code spool.admin.enabled=true}), as the
 * CLI's {@code worker} command serves them; off unless asked for.
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass(AdminVerticle.class)
@ConditionalOnBean(Spool.class)
public class SpoolAdminAutoConfiguration {

  /**
   * The admin API and dashboard, served when {@code spool.admin.port} or {@code spool.admin.enabled} says so.
   *
   * @param spool the Spool
   * @param properties the {@code spool.*} properties
   * @return the server
   */
  @Bean
  @ConditionalOnMissingBean
  public SpoolAdminLifecycle spoolAdminServer(Spool spool, SpoolProperties properties) {
    return new SpoolAdminServer(spool, properties.config().admin(), properties.config().adminEnabled());
  }
}
