package dev.spool.spring.impl;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Puts the {@code spool} health indicator in the readiness group, at the lowest precedence: an application
 * that lists the group's members itself lists {@code spool} too, or leaves it out.
 */
public final class SpoolEnvironmentDefaults implements EnvironmentPostProcessor {

  static final String READINESS = "management.endpoint.health.group.readiness.include";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    environment.getPropertySources().addLast(new MapPropertySource("spoolDefaults",
        Map.of(READINESS, "readinessState,spool")));
  }
}
