package dev.spool.test;

import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.PeriodicJob;
import dev.spool.config.SpoolConfig;
import dev.spool.embedded.DatabaseChoice;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link SpoolTest}. Before a test class, it starts a {@link SpoolTester} on a
 * migrated schema of the class's own, on the database of {@value #DATABASE_ENV}, or, when that is unset,
 * on an embedded PostgreSQL started once for the whole JVM; after the class it drops the schema. Classes
 * that run in parallel never see each other's jobs. Before each test it clears the jobs, workflows,
 * periodic slots and rate windows the previous one left, and puts test time back to real time.
 *
 * <p>{@link SpoolTest#config()} names a configuration file whose Spool options and periodic jobs the class's
 * Spool takes. It resolves parameters of type {@link SpoolTester}, {@link Spool}, {@link JobClient} and {@link Vertx}.
 */
public final class SpoolExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  /** The variable naming the test database; unset, an embedded PostgreSQL is started. */
  public static final String DATABASE_ENV = "SPOOL_TEST_DATABASE_URL";

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SpoolExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    tester(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    tester(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == SpoolTester.class || type == Spool.class || type == JobClient.class || type == Vertx.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SpoolTester tester = tester(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == SpoolTester.class) {
      return tester;
    } else if (type == Spool.class) {
      return tester.spool();
    } else if (type == JobClient.class) {
      return tester.client();
    } else if (type == Vertx.class) {
      return tester.vertx();
    }
    throw new ParameterResolutionException("SpoolExtension does not resolve " + type.getName());
  }

  /** The tester of the test class of {@code context} (a nested class shares its outer class's). */
  private static SpoolTester tester(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() || classContext.getParent().flatMap(ExtensionContext::getTestClass)
        .isPresent()) {
      classContext = classContext.getParent().orElseThrow();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Resource.class, k -> new Resource(start(testClass)),
        Resource.class).tester;
  }

  private static SpoolTester start(Class<?> testClass) {
    String file = AnnotationSupport.findAnnotation(testClass, SpoolTest.class).map(SpoolTest::config).orElse("");
    SpoolConfig config = file.isEmpty() ? SpoolConfig.defaults()
        : SpoolConfig.load(Path.of(file), Map.of(), Map.of(), testClass.getClassLoader());
    SpoolTester tester = SpoolTester.start(DatabaseChoice.shared(DATABASE_ENV), config.spoolOptions());
    if (!config.periodicJobs().isEmpty()) {
      tester.periodic(config.periodicJobs().toArray(PeriodicJob<?>[]::new));
    }
    return tester;
  }

  /** Closes the tester (drops its schema) when its class's context closes. */
  private record Resource(SpoolTester tester) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      tester.close();
    }
  }
}
