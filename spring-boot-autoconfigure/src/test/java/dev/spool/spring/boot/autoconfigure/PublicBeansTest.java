package dev.spool.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;

/**
 * The types an application sees of the starter's beans: a public {@code @Bean} method of an auto-configuration
 * is public API (an application injects, replaces or names its type), so it returns no class of an {@code impl}
 * package, which may change in any release.
 */
class PublicBeansTest {

  private static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

  @Test
  void noPublicBeanMethodReturnsAnImplType() throws Exception {
    List<String> offenders = new ArrayList<>();
    List<String> classes = autoConfigurations();
    assertThat(classes).contains(SpoolWorkerAutoConfiguration.class.getName(), SpoolAdminAutoConfiguration.class.getName());
    for (String name : classes) {
      for (Method method : Class.forName(name).getDeclaredMethods()) {
        if (method.isAnnotationPresent(Bean.class) && Modifier.isPublic(method.getModifiers())
            && method.getReturnType().getPackageName().contains(".impl")) {
          offenders.add(name + "." + method.getName() + " returns " + method.getReturnType().getName());
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  private static List<String> autoConfigurations() throws IOException {
    try (InputStream in = PublicBeansTest.class.getClassLoader().getResourceAsStream(IMPORTS)) {
      assertThat(in).as(IMPORTS).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
  }
}
