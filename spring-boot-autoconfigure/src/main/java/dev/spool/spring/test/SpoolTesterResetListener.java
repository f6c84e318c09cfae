package dev.spool.spring.test;

import dev.spool.test.SpoolTester;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Before each test method of an {@link AutoConfigureSpoolTester} class, clears what the previous test left in
 * the application's Spool schema (jobs, workflows, periodic slots, rate windows) and puts test time back to
 * real time: the application context, and its schema, outlive a test, and Spring caches them across classes.
 */
public class SpoolTesterResetListener implements TestExecutionListener {

  @Override
  public void beforeTestMethod(TestContext testContext) {
    testContext.getApplicationContext().getBean(SpoolTester.class).reset();
  }
}
