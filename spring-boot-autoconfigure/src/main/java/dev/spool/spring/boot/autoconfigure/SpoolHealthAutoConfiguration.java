package dev.spool.spring.boot.autoconfigure;

import dev.spool.JobAdmin;
import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.admin.AdminOptions;
import dev.spool.admin.ReadinessProbe;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.impl.SpoolEndpoint;
import dev.spool.spring.impl.SpoolHealthIndicator;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code spool} health indicator (in the readiness group by default: {@code SpoolEnvironmentDefaults}) and
 * the {@code spool} actuator endpoint, when Spring Boot's health and actuator modules are on the class path.
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnBean(Spool.class)
public class SpoolHealthAutoConfiguration {

  /**
   * The health indicator, with spring-boot-health and Spool's admin module (the starter brings it), whose
   * readiness checks it runs: the same as {@code /ready}'s, with the same {@code spool.admin.*} thresholds.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HealthIndicator.class, ReadinessProbe.class})
  static class Health {

    @Bean
    @ConditionalOnMissingBean(name = "spoolHealthIndicator")
    SpoolHealthIndicator spoolHealthIndicator(Spool spool, JobAdmin admin, SpoolProperties properties) {
      JsonObject section = properties.config().admin(); // a copy
      section.getMap().values().removeIf(Objects::isNull); // keys left unset (the port of an API not served) take defaults
      AdminOptions options = new AdminOptions(section);
      // on an enqueue-only node no worker of its own holds the lease: a missing leader is not this node's problem
      options.setRequireLeader(options.isRequireLeader() && properties.workerEnabled());
      return new SpoolHealthIndicator(new ReadinessProbe(spool, admin, options));
    }
  }

  /** The endpoint, with spring-boot-actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class Actuator {

    @Bean
    @ConditionalOnMissingBean
    SpoolEndpoint spoolEndpoint(Spool spool, JobClient client, JobAdmin admin) {
      return new SpoolEndpoint(spool, client, admin);
    }
  }
}
