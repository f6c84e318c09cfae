package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.QueueOptions;
import dev.spool.RateLimit;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.Workflow;
import dev.spool.WorkflowRun;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's views of jobs that compose and of keyed queues, in headless Chromium as
 * {@link DashboardBrowserTest} drives it (same browser lookup and {@code SPOOL_REQUIRE_BROWSER} rule): a
 * job's parent, child and workflow links, a workflow's steps, and a fair queue's keys reached from the
 * queue table. Screenshots go to {@code admin/target/dashboard-*.png}.
 */
class DashboardWorkflowBrowserTest extends SpoolTestBase {

  static final Task<JsonObject> PARSE = Task.json("parse-feed");
  static final Task<JsonObject> SYNC = Task.json("sync-account");
  static final Duration WAIT = Duration.ofSeconds(20);

  private WebDriver browser;
  private String base;

  @BeforeEach
  void startAdminAndBrowser() {
    File chromium = new File(env("SPOOL_CHROMIUM", "/usr/bin/chromium"));
    File driver = new File(env("SPOOL_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!chromium.canExecute() || !driver.canExecute()) {
      String missing = "no headless browser: " + chromium + " or " + driver + " is missing (apt-get install chromium chromium-driver)";
      if (System.getenv("SPOOL_REQUIRE_BROWSER") != null) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    // the admin server knows "tenants" as its workers would run it: fair, two running per key, acme weighs 3
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0).setQueueOptions("tenants",
        new QueueOptions().setFair(true).setKeyConcurrency(2).setKeyRateLimit(RateLimit.perSecond(10))
            .setKeyWeights(Map.of("acme", 3))));
    await(vertx.deployVerticle(admin));
    base = "http://127.0.0.1:" + admin.actualPort();
    ChromeOptions options = new ChromeOptions().setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-extensions", "--window-size=1400,1000");
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void aJobLinksItsParentItsChildAndItsWorkflowWhichListsEveryStep() throws IOException {
    // fetch runs (spool.echo) and completes with a result; parse is in a queue no worker serves, so it stays
    // available, and report waits for it
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.named("import")
        .step("fetch", BuiltInTasks.ECHO, new JsonObject().put("rows", 3))
        .step("parse", new JobRequest<>(PARSE, new JsonObject(), new EnqueueOptions().setQueue("parsing")),
            new StepOptions().dependsOn("fetch"))
        .step("report", PARSE, new JsonObject(), new StepOptions().dependsOn("parse"))));
    long fetch = run.id("fetch");
    long parse = run.id("parse");
    long report = run.id("report");
    eventually(WAIT, () -> count("id = $1 and state = 'available'", parse) == 1);

    // the middle step: one parent, one child, its workflow and step
    browser.get(base + "/#/jobs/" + parse);
    waitFor(() -> browser.findElement(By.id("job-lineage")).isDisplayed());
    assertThat(textOf("#job-workflow")).isEqualTo("Workflow " + run.id() + ", step parse");
    assertThat(textOf("#job-parents")).isEqualTo(String.valueOf(fetch));
    assertThat(textOf("#job-children")).isEqualTo(String.valueOf(report));
    screenshot("job-lineage");

    // following the parent link shows the parent, completed with its result, and names parse as its child
    browser.findElement(By.cssSelector("#job-parents a")).click();
    waitFor(() -> textOf("#job-title").startsWith("Job " + fetch + " ") && textOf("#job-state").equals("completed"));
    assertThat(textOf("#job-children")).isEqualTo(String.valueOf(parse));
    assertThat(textOf("#job-parents")).isEqualTo("–");
    assertThat(textOf("#job-result")).contains("\"rows\": 3");

    // and the workflow link lists every step with its state, links and result
    browser.findElement(By.id("job-workflow-link")).click();
    waitFor(() -> browser.findElements(By.cssSelector("#workflow-steps tbody tr")).size() == 3);
    assertThat(textOf("#workflow-title")).isEqualTo("Workflow " + run.id() + " · import");
    assertThat(textOf("#workflow-summary")).startsWith("Unfinished · 1 available, 1 completed, 1 waiting");
    assertThat(textOf("#workflow-steps tr[data-step=fetch] td[data-state]")).isEqualTo("completed");
    assertThat(textOf("#workflow-steps tr[data-step=fetch] td.outcome")).isEqualTo("{\"rows\":3}");
    assertThat(textOf("#workflow-steps tr[data-step=parse] td.children")).isEqualTo(String.valueOf(report));
    assertThat(textOf("#workflow-steps tr[data-step=report] td[data-state]")).isEqualTo("waiting");
    assertThat(textOf("#workflow-steps tr[data-step=report] td.parents")).isEqualTo(parse + " (1 to go)");
    assertThat(textOf("#workflow-callback")).isEqualTo("No callback step.");
    screenshot("workflow");

    // a step's link leads back to its job
    browser.findElement(By.cssSelector("#workflow-steps tr[data-step=report] td.parents a")).click();
    waitFor(() -> textOf("#job-title").startsWith("Job " + parse + " "));
  }

  @Test
  void aChordShowsItsCallbackAndAJobWithoutLinksShowsNoWorkflowBox() {
    await(spool.deployWorkers(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()), 1));
    WorkflowRun run = await(spool.client().enqueueWorkflow(Workflow.chord("thumbs",
        List.of(JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("w", 1))),
        JobRequest.of(BuiltInTasks.ECHO, new JsonObject().put("done", true)))));
    eventually(WAIT, () -> count("workflow_id = $1 and state = 'completed'", run.id()) == 2);
    browser.get(base + "/#/workflows/" + run.id());
    waitFor(() -> textOf("#workflow-callback").equals("Callback: " + run.id("callback") + " completed: {\"done\":true}"));

    long plain = await(spool.client().enqueue(PARSE, new JsonObject(), new EnqueueOptions().setQueue("parsing")));
    browser.get(base + "/#/jobs/" + plain);
    waitFor(() -> textOf("#job-title").startsWith("Job " + plain + " "));
    assertThat(browser.findElement(By.id("job-lineage")).isDisplayed()).isFalse();
  }

  @Test
  void anUnknownOrMalformedWorkflowIdIsSaidInPlace() {
    browser.get(base + "/#/workflows/424242");
    waitFor(() -> textOf("#workflow-title").equals("No workflow 424242"));
    browser.get(base + "/#/workflows/abc");
    waitFor(() -> textOf("#workflow-title").equals("workflow id must be a positive integer, got abc"));
    assertThat(browser.findElements(By.cssSelector("#workflow-steps tbody tr"))).isEmpty();
  }

  @Test
  void aFairQueuesKeysAreReachedFromTheQueueTableWithTheirWaitsAndLimits() throws IOException {
    for (String key : List.of("acme", "acme", "acme", "globex")) {
      await(spool.client().enqueue(SYNC, new JsonObject(), new EnqueueOptions().setQueue("tenants").setKey(key)));
    }
    browser.get(base + "/");
    waitFor(() -> !browser.findElements(By.cssSelector("a[data-keys=tenants]")).isEmpty());
    browser.findElement(By.cssSelector("a[data-keys=tenants]")).click();
    waitFor(() -> browser.findElements(By.cssSelector("#keys tbody tr")).size() == 2);
    assertThat(textOf("#keys-title")).isEqualTo("Keys of queue tenants");
    assertThat(textOf("#keys-limits")).isEqualTo("fair: keys take turns · at most 2 running per key · "
        + "at most 10 starts per key per 1 s · weights: acme 3, any other key 1");
    assertThat(textOf("#keys tr[data-key=acme] td[data-count=available]")).isEqualTo("3");
    assertThat(textOf("#keys tr[data-key=acme] td[data-count=running]")).isEqualTo("0");
    assertThat(textOf("#keys tr[data-key=acme] td[data-count=weight]")).isEqualTo("3");
    assertThat(textOf("#keys tr[data-key=acme] td[data-count=wait]")).endsWith(" s");
    assertThat(textOf("#keys tr[data-key=globex] td[data-count=weight]")).isEqualTo("1");
    assertThat(textOf("#keys-note")).isEqualTo("2 keys with work, busiest first.");
    assertThat(browser.findElement(By.cssSelector("nav a[data-nav=overview]")).getAttribute("class")).contains("active");
    screenshot("keys");

    // a key leads to its jobs, the search filtered by queue and key
    browser.findElement(By.cssSelector("#keys tr[data-key=globex] a")).click();
    waitFor(() -> browser.findElements(By.cssSelector("#jobs tbody tr")).size() == 1);
    assertThat(browser.findElement(By.cssSelector("#search input[name=key]")).getAttribute("value")).isEqualTo("globex");

    // a queue this server runs no worker of: its keys, without limits
    await(spool.client().enqueue(SYNC, new JsonObject(), new EnqueueOptions().setQueue("elsewhere").setKey("k")));
    browser.get(base + "/#/queues/elsewhere/keys");
    waitFor(() -> textOf("#keys-limits").startsWith("This server runs no worker of queue elsewhere"));
    assertThat(textOf("#keys tr[data-key=k] td[data-count=weight]")).isEqualTo("–");
  }

  // ---- page helpers ----

  private String textOf(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** Waits until the page shows what {@code condition} looks for; on timeout keeps a screenshot and says what it showed. */
  private void waitFor(java.util.function.BooleanSupplier condition) {
    try {
      new WebDriverWait(browser, WAIT, Duration.ofMillis(100)).until(d -> {
        try {
          return condition.getAsBoolean();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
          return false; // the page re-rendered between finding and reading
        }
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      try {
        screenshot("failure");
      } catch (IOException | RuntimeException ignored) {
        // the page's text below says enough
      }
      throw new AssertionError("the page at " + browser.getCurrentUrl() + " never showed what was awaited; it shows:\n"
          + browser.findElement(By.tagName("body")).getText(), e);
    }
  }

  private void screenshot(String name) throws IOException {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "dashboard-" + name + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}
