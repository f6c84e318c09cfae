package dev.spool.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against a Spool of its own ({@link SpoolExtension}): a migrated schema on
 * {@code SPOOL_TEST_DATABASE_URL}, or on an embedded PostgreSQL started once per JVM; cleared before each
 * test. Test methods and lifecycle methods take a {@link SpoolTester}, the {@link dev.spool.Spool}, its
 * {@link dev.spool.JobClient} or its {@link io.vertx.core.Vertx} as parameters.
 *
 * <pre>{@code
 * @SpoolTest
 * class SignupTest {
 *   @Test
 *   void signupSendsTheWelcomeMail(SpoolTester spool) {
 *     new Signup(spool.client()).signUp("a@example.com");
 *     spool.assertEnqueued("send-email", new JsonObject().put("to", "a@example.com"));
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SpoolExtension.class)
public @interface SpoolTest {

  /**
   * A Spool configuration file in the format of {@code SpoolConfig} and the CLI's {@code --config} ({@code .json},
   * or {@code .yaml} with SnakeYAML on the test class path), relative to the working directory (a module's
   * directory under Maven): its Spool options and periodic jobs apply to the test class's Spool, as they would to
   * the application's. Its database URL and schema do not (each class has a schema of its own), nor does the
   * environment. Empty: the defaults.
   *
   * @return the file's path, or empty for none
   */
  String config() default "";
}
