package dev.spool.admin;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.BuiltInTasks;
import dev.spool.EnqueueOptions;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.SpoolOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromedriver},
 * or {@code SPOOL_CHROMIUM} / {@code SPOOL_CHROMEDRIVER}) against an admin server and a worker with known
 * jobs. Without a browser the test is skipped with a message, unless {@code SPOOL_REQUIRE_BROWSER} is set
 * ({@code .ci/run} sets it after installing one), where a missing browser fails it. Screenshots are kept
 * in {@code admin/target/dashboard-*.png}.
 */
class DashboardBrowserTest extends SpoolTestBase {

  static final Task<JsonObject> CHARGE = Task.json("charge-card");
  static final Task<JsonObject> SEND = Task.json("send-email");
  static final Task<JsonObject> REPORT = Task.json("nightly-report");
  static final Duration WAIT = Duration.ofSeconds(20);

  /** The payment provider is down until the test says otherwise: charges fail and, with one attempt, die. */
  private final AtomicBoolean providerDown = new AtomicBoolean(true);
  private WebDriver browser;
  private String base;

  @Override
  protected SpoolOptions spoolOptions() {
    return super.spoolOptions().setKeepCompleted(true); // so a retried job can be seen completed
  }

  @BeforeEach
  void startWorkerAdminAndBrowser() {
    File chromium = new File(env("SPOOL_CHROMIUM", "/usr/bin/chromium"));
    File driver = new File(env("SPOOL_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!chromium.canExecute() || !driver.canExecute()) {
      String missing = "no headless browser: " + chromium + " or " + driver + " is missing (apt-get install chromium chromium-driver)";
      if (System.getenv("SPOOL_REQUIRE_BROWSER") != null) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    JobHandlers handlers = new JobHandlers()
        .register(CHARGE, (args, job) -> providerDown.get()
            ? Future.failedFuture(new IllegalStateException("payment provider answered 503"))
            : Future.succeededFuture())
        .register(SEND, (args, job) -> Future.succeededFuture())
        .register(REPORT, (args, job) -> Future.succeededFuture());
    await(vertx.deployVerticle(() -> spool.worker(new WorkerOptions().setQueues(List.of("billing", "mail", "reports"))
        .setHeartbeatInterval(Duration.ofMillis(250)).setPollInterval(Duration.ofMillis(200)), handlers),
        new DeploymentOptions()));
    AdminVerticle admin = new AdminVerticle(spool, new AdminOptions().setPort(0));
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
  void showsCountsRetriesADeadJobToCompletionAndPausesAQueue() throws IOException {
    List<Long> charges = await(spool.client().enqueueBatch(CHARGE,
        List.of(new JsonObject().put("order", 1), new JsonObject().put("order", 2), new JsonObject().put("order", 3)),
        new EnqueueOptions().setQueue("billing").setMaxAttempts(1)));
    for (int i = 0; i < 4; i++) {
      await(spool.client().enqueue(REPORT, new JsonObject().put("night", i),
          new EnqueueOptions().setQueue("reports").setDelay(Duration.ofHours(i + 1))));
    }
    for (int i = 0; i < 5; i++) {
      await(spool.client().enqueue(SEND, new JsonObject().put("to", "user" + i + "@example.com"),
          new EnqueueOptions().setQueue("mail")));
    }
    eventually(WAIT, () -> count("state = 'dead'") == 3 && countAll("queue = 'mail' and state = 'completed'") == 5);

    // the overview shows each queue's counts as the table holds them
    browser.get(base + "/");
    waitFor(() -> cell("billing", "dead").equals("3"));
    waitFor(() -> cell("reports", "scheduled").equals("4"));
    assertThat(cell("billing", "available")).isEqualTo("0");
    assertThat(cell("mail", "available")).isEqualTo("0");
    // and the worker, idle now: nothing running, nothing reserved in its buffer, the leader
    waitFor(() -> browser.findElements(By.cssSelector("#workers tbody tr")).size() == 1);
    assertThat(browser.findElement(By.cssSelector("#workers td[data-count=active]")).getText()).isEqualTo("0");
    assertThat(browser.findElement(By.cssSelector("#workers td[data-count=reserved]")).getText()).isEqualTo("0");
    assertThat(browser.findElement(By.cssSelector("#workers tbody")).getText()).contains("billing, mail, reports", "leader");
    screenshot("overview");

    // retry one dead job from the dead letters once the provider is back: it runs and completes
    providerDown.set(false);
    browser.findElement(By.cssSelector("nav a[data-nav=dead]")).click();
    waitFor(() -> browser.findElements(By.cssSelector("#dead tbody tr")).size() == 3);
    assertThat(browser.findElement(By.cssSelector("#dead tbody")).getText()).contains("payment provider answered 503");
    long retried = charges.get(1);
    browser.findElement(By.cssSelector("button[data-retry='" + retried + "']")).click();
    waitFor(() -> browser.findElement(By.id("dead-message")).getText().equals("Job " + retried + " retried."));
    assertThat(browser.findElements(By.cssSelector("#dead tbody tr"))).hasSize(2);
    browser.get(base + "/#/jobs/" + retried);
    waitFor(() -> {
      browser.navigate().refresh();
      return textOf("#job-state").equals("completed");
    });
    assertThat(countAll("id = $1 and state = 'completed'", retried)).isEqualTo(1);
    assertThat(textOf("#job-fields")).contains("billing").contains("2 of 2"); // one more attempt was granted
    screenshot("job");

    // search by task: the retried job and the two still dead
    browser.get(base + "/#/jobs");
    WebElement task = browser.findElement(By.cssSelector("#search input[name=task]"));
    task.sendKeys("charge-card");
    browser.findElement(By.cssSelector("#search button[type=submit]")).click();
    waitFor(() -> browser.findElements(By.cssSelector("#jobs tbody tr")).size() == 3);
    assertThat(browser.findElements(By.cssSelector("#jobs td[data-state=dead]"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("#jobs td[data-state=completed]"))).hasSize(1);

    // pause "mail" and see claims stop: new jobs wait, counted on the page; resume and they run
    browser.get(base + "/");
    waitFor(() -> !browser.findElements(By.cssSelector("button.pause[data-queue=mail]")).isEmpty());
    browser.findElement(By.cssSelector("button.pause[data-queue=mail]")).click();
    waitFor(() -> rowClass("mail").contains("paused"));
    long claimedBefore = spool.stats().claimed();
    await(spool.client().enqueueBatch(SEND, List.of(new JsonObject(), new JsonObject()), new EnqueueOptions().setQueue("mail")));
    waitFor(() -> cell("mail", "available").equals("2"));
    sleep(Duration.ofMillis(1500)); // several polls and a wake-up later, still nothing claimed
    assertThat(count("queue = 'mail' and state = 'available'")).isEqualTo(2);
    assertThat(spool.stats().claimed()).isEqualTo(claimedBefore);
    assertThat(cell("mail", "available")).isEqualTo("2");
    screenshot("paused");
    browser.findElement(By.cssSelector("button.resume[data-queue=mail]")).click();
    waitFor(() -> !rowClass("mail").contains("paused") && cell("mail", "available").equals("0"));
    assertThat(countAll("queue = 'mail' and state = 'completed'")).isEqualTo(7);
  }

  @Test
  void showsAStuckHandlerWithItsJobAndHowLong() throws IOException {
    await(vertx.deployVerticle(spool.worker(new WorkerOptions().setQueues("slow").setStuckGrace(Duration.ofMillis(100))
        .setHeartbeatInterval(Duration.ofMillis(250)), BuiltInTasks.register(new JobHandlers(),
        new HandlerOptions().setTimeout(Duration.ofMillis(200))))));
    long id = await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 60_000),
        new EnqueueOptions().setQueue("slow")));

    browser.get(base + "/");
    waitFor(() -> textOf("#total-stuck").equals("1") && textOf("#stuck tbody tr[data-job='" + id + "']").contains("held"));
    String row = textOf("#stuck tbody tr[data-job='" + id + "']");
    assertThat(row).contains("slow").contains("spool.hang").contains(" s");
    screenshot("stuck");
  }

  @Test
  void purgesDeadLettersAfterASecondClick() {
    await(spool.client().enqueueBatch(CHARGE, List.of(new JsonObject(), new JsonObject()),
        new EnqueueOptions().setQueue("billing").setMaxAttempts(1)));
    eventually(WAIT, () -> count("state = 'dead'") == 2);
    browser.get(base + "/#/dead?queue=billing");
    waitFor(() -> browser.findElements(By.cssSelector("#dead tbody tr")).size() == 2);
    WebElement purge = browser.findElement(By.id("dead-purge-all"));
    purge.click();
    assertThat(purge.getText()).startsWith("Click again");
    assertThat(count("state = 'dead'")).isEqualTo(2); // one click deletes nothing
    purge.click();
    waitFor(() -> browser.findElement(By.id("dead-message")).getText().startsWith("2 dead jobs purged"));
    assertThat(count("state = 'dead'")).isZero();
    assertThat(browser.findElements(By.cssSelector("#dead tbody tr"))).isEmpty();
    waitFor(() -> textOf("#dead-empty").equals("No dead jobs match."));
  }

  @Test
  void warnsOfJobsNoLiveWorkerCanRunAndExplainsWhyOneWaits() {
    long lost = await(spool.client().enqueue(Task.json("nobody-handles-this"), new JsonObject(),
        new EnqueueOptions().setQueue("mail")));
    browser.get(base + "/");
    waitFor(() -> textOf("span[data-warning=mail]").contains("handles task nobody-handles-this"));
    browser.get(base + "/#/jobs/" + lost);
    waitFor(() -> textOf("#job-explain").startsWith("Why it is not running: none of the 1 live workers of queue mail"));
  }

  @Test
  void cancelsMatchingPendingJobsAfterASecondClick() {
    for (int i = 0; i < 3; i++) {
      await(spool.client().enqueue(REPORT, new JsonObject(), new EnqueueOptions().setQueue("reports").setDelay(Duration.ofHours(1))));
    }
    browser.get(base + "/#/jobs?queue=reports&state=scheduled");
    waitFor(() -> browser.findElements(By.cssSelector("#jobs tbody tr")).size() == 3);
    WebElement cancel = browser.findElement(By.id("jobs-cancel-pending"));
    cancel.click();
    assertThat(cancel.getText()).startsWith("Click again");
    assertThat(count("state = 'cancelled'")).isZero(); // one click changes nothing
    cancel.click();
    waitFor(() -> textOf("#bulk-message").equals("3 pending jobs cancelled."));
    assertThat(count("queue = 'reports' and state = 'cancelled'")).isEqualTo(3);
  }

  @Test
  void asksForTheTokenWhenTheApiHasOneAndSaysWhenItIsWrong() {
    AdminVerticle guarded = new AdminVerticle(spool, new AdminOptions().setPort(0).setToken("s3cret"));
    await(vertx.deployVerticle(guarded));
    browser.get("http://127.0.0.1:" + guarded.actualPort() + "/");
    waitFor(() -> browser.findElement(By.id("login")).isDisplayed());
    browser.findElement(By.id("token")).sendKeys("guess");
    browser.findElement(By.cssSelector("#login-form button")).click();
    waitFor(() -> textOf("#login-error").equals("That token was refused."));
    WebElement token = browser.findElement(By.id("token"));
    token.clear();
    token.sendKeys("s3cret");
    browser.findElement(By.cssSelector("#login-form button")).click();
    waitFor(() -> browser.findElement(By.id("view-overview")).isDisplayed() && textOf("#status").startsWith("live"));
  }

  @Test
  void aJobIdThatIsNotANumberIsRefusedInPlace() {
    browser.get(base + "/#/jobs");
    browser.findElement(By.cssSelector("#search input[name=id]")).sendKeys("12abc");
    browser.findElement(By.cssSelector("#search button[type=submit]")).click();
    waitFor(() -> textOf("#search-note").equals("A job id is a positive whole number; got \"12abc\"."));
    browser.get(base + "/#/jobs/424242");
    waitFor(() -> textOf("#job-title").equals("No job 424242 (it may have completed and been deleted)"));
  }

  // ---- page helpers ----

  private String cell(String queue, String column) {
    List<WebElement> cells = browser.findElements(By.cssSelector("#queues tr[data-queue='" + queue + "'] td[data-count=" + column + "]"));
    return cells.isEmpty() ? "" : cells.get(0).getText();
  }

  private String rowClass(String queue) {
    List<WebElement> rows = browser.findElements(By.cssSelector("#queues tr[data-queue='" + queue + "']"));
    return rows.isEmpty() ? "" : rows.get(0).getAttribute("class");
  }

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

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}

