package dev.spool.spring.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The spool health indicator joins the readiness group unless the application lists the group itself. */
class SpoolEnvironmentDefaultsTest {

  @Test
  void theReadinessGroupIncludesSpoolByDefault() {
    StandardEnvironment environment = new StandardEnvironment();
    new SpoolEnvironmentDefaults().postProcessEnvironment(environment, new SpringApplication());
    assertThat(environment.getProperty(SpoolEnvironmentDefaults.READINESS)).isEqualTo("readinessState,spool");
  }

  @Test
  void theApplicationsOwnListWins() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("app",
        Map.of(SpoolEnvironmentDefaults.READINESS, "readinessState,db")));
    new SpoolEnvironmentDefaults().postProcessEnvironment(environment, new SpringApplication());
    assertThat(environment.getProperty(SpoolEnvironmentDefaults.READINESS)).isEqualTo("readinessState,db");
  }
}
