package dev.spool.spring.boot.autoconfigure;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.metrics.MicrometerMetrics;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spool's metrics (the same meters as the admin API's {@code /metrics}: jobs claimed, run, their outcomes and
 * durations, queue depths) in the application's {@link MeterRegistry}, when it has one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, MicrometerMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
public class SpoolMetricsAutoConfiguration {

  /**
   * Spool's meters in the application's registry.
   *
   * @param registry the application's meter registry
   * @return the meters
   */
  @Bean
  @ConditionalOnMissingBean
  public MicrometerMetrics spoolMicrometerMetrics(MeterRegistry registry) {
    return new MicrometerMetrics(registry);
  }

  /**
   * Hands the meters to the Spool's builder as its listener.
   *
   * @param metrics Spool's meters
   * @return the customizer
   */
  @Bean
  public SpoolCustomizer spoolMetricsListener(MicrometerMetrics metrics) {
    return new SpoolCustomizer() {
      @Override
      public void customize(Spool.Builder builder) {
        builder.listener(metrics);
      }
    };
  }

  /**
   * The queue-depth gauges, refreshed every {@code spool.admin.queue-refresh}; closed with the context.
   *
   * @param metrics Spool's meters
   * @param spool the Spool
   * @param admin the admin the refreshes query through
   * @param properties the {@code spool.*} properties
   * @return the bean that stops the refreshes
   */
  @Bean
  public DisposableBean spoolQueueGauges(MicrometerMetrics metrics, Spool spool, JobAdmin admin, SpoolProperties properties) {
    AutoCloseable watch = metrics.watchQueues(spool.vertx(), admin,
        Duration.ofMillis(properties.config().admin().getLong("queueRefreshMs")));
    return watch::close;
  }
}
