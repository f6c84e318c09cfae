package dev.spool.spring.boot.autoconfigure;

import dev.spool.JobClient;
import dev.spool.reactor.ReactorJobClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

/** A {@link ReactorJobClient} over the application's {@link JobClient}, when Reactor is on the class path. */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass(Mono.class)
@ConditionalOnBean(JobClient.class)
public class SpoolReactorAutoConfiguration {

  /**
   * The Reactor view of the application's {@link JobClient}.
   *
   * @param client the client
   * @return the Reactor client
   */
  @Bean
  @ConditionalOnMissingBean
  public ReactorJobClient spoolReactorJobClient(JobClient client) {
    return ReactorJobClient.of(client);
  }
}
