package dev.spool.spring.boot.autoconfigure;

import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.WorkerOptions;
import dev.spool.config.ConfigSource;
import dev.spool.spring.SpoolCustomizer;
import dev.spool.spring.SpoolProperties;
import dev.spool.spring.SpoolWorkerLifecycle;
import dev.spool.spring.impl.HandlerBeans;
import dev.spool.spring.impl.SpoolWorkers;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The workers: every {@code @SpoolHandler} bean registered, started with the context and stopped with it.
 * {@code spool.worker.enabled=false} leaves them out (an enqueue-only node, such as a web tier).
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "spool.worker.enabled", matchIfMissing = true)
public class SpoolWorkerAutoConfiguration {

  /**
   * The workers running the {@code @SpoolHandler} beans, started and stopped with the context.
   *
   * @param spool the Spool
   * @param properties the {@code spool.*} properties
   * @param beans the beans to find handlers among
   * @param customizers the application's customizers, in order
   * @param environment Spring's environment (whether virtual threads are on)
   * @return the workers
   */
  @Bean
  @ConditionalOnMissingBean
  public SpoolWorkerLifecycle spoolWorkers(Spool spool, SpoolProperties properties, ListableBeanFactory beans,
      ObjectProvider<SpoolCustomizer> customizers, Environment environment) {
    WorkerOptions worker = properties.config().workerOptions();
    if (virtualThreadsWanted(properties, environment)) {
      worker.setVirtualThreads(true);
    }
    return new SpoolWorkers(spool, worker, properties.config().workerInstances(), options -> {
      JobHandlers handlers = new JobHandlers();
      HandlerBeans.register(beans, properties.config(), handlers, options);
      return handlers;
    }, customizers.orderedStream().toList());
  }

  /** Spring's own switch turns virtual threads on for handlers too, unless spool.worker.virtual-threads says otherwise. */
  private static boolean virtualThreadsWanted(SpoolProperties properties, Environment environment) {
    boolean setHere = properties.config().entries().stream()
        .anyMatch(e -> e.path().equals("worker.virtualThreads") && e.source() != ConfigSource.DEFAULT);
    return !setHere && Runtime.version().feature() >= 21
        && environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
  }
}
