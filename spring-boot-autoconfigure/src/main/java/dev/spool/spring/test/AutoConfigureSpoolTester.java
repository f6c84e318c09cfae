package dev.spool.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.TestExecutionListeners;

/**
 * On a {@code @SpringBootTest} class (with {@code dev.spool:spool-test} in test scope): adds a
 * {@link dev.spool.test.SpoolTester} bean bound to the application's own {@code Spool} (its schema and pool)
 * with the application's {@code @SpoolHandler} beans registered, puts that Spool on test time so
 * {@code advance} moves it, and clears the schema's jobs and test time before each test method. Use a test
 * database: the clearing deletes every job of the schema.
 *
 * <p>Set {@code spool.worker.enabled=false} for tests that {@code drain} (the test then runs the jobs, not
 * workers that would race it for them).
 *
 * @see SpoolTesterAutoConfiguration
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(SpoolTesterAutoConfiguration.class)
@TestExecutionListeners(listeners = SpoolTesterResetListener.class,
    mergeMode = TestExecutionListeners.MergeMode.MERGE_WITH_DEFAULTS)
public @interface AutoConfigureSpoolTester {}
