package dev.spool.examples.pipeline;

import dev.spool.EnqueueOptions;
import dev.spool.GiveUpException;
import dev.spool.HandlerOptions;
import dev.spool.JobHandlers;
import dev.spool.JobRequest;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.RetryPolicy;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.StepOptions;
import dev.spool.Task;
import dev.spool.WorkerOptions;
import dev.spool.Workflow;
import dev.spool.examples.ExampleDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * A pipeline as a workflow: fan out (fetch N pages, side by side), fan in (build a search index once every
 * fetch finished, from their results), behind an HTTP endpoint that enqueues the workflow and awaits the
 * index with a timeout, answering with it when it is ready in time and with where to look when it is not.
 *
 * <pre>
 * curl -s localhost:8080/indexes -d '{"urls":["https://example.com/docs/getting-started","https://example.com/blog/queues"]}'
 * curl -s localhost:8080/indexes -d '{"urls":["https://example.com/slow/page"],"timeoutMs":500}'   # 202 and a Location
 * curl -s localhost:8080/pipelines/1
 * </pre>
 *
 * The pages are simulated (no network): a page's words are its URL's path segments, a URL containing
 * {@code broken} fails for good (the index is built without it and lists it as failed), one containing
 * {@code slow} takes {@value #SLOW_PAGE_MS} ms. Options: {@code --db postgresql://...} (else
 * {@code SPOOL_DATABASE_URL}, else an embedded PostgreSQL) and {@code --port 8080}. Stop it with Ctrl-C.
 */
public final class PipelineExample {

  /** Fetches one page ({@code url}); completes with {@code {"url", "words": {word: count}}}. */
  public static final Task<JsonObject> FETCH_PAGE = Task.json("fetch-page");
  /** Builds the index from its parents' pages; completes with {@code {"pages", "failed", "index": {word: [urls]}}}. */
  public static final Task<JsonObject> BUILD_INDEX = Task.json("build-index");
  /** How long a "slow" page takes. */
  public static final long SLOW_PAGE_MS = 3_000;

  private PipelineExample() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(ExampleDatabase.option(args, "--port", "8080"));
    ExampleDatabase db = ExampleDatabase.fromArgs(args);
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(db.uri())
        .options(new SpoolOptions().setSchema("examples_pipeline")).build();
    PipelineApi api = ExampleDatabase.await(start(vertx, spool, port), 60);
    System.out.printf("Listening on http://localhost:%d. Try:%n", api.actualPort());
    System.out.printf("  curl -s localhost:%d/indexes -d '{\"urls\":[\"https://example.com/docs/getting-started\","
        + "\"https://example.com/blog/queues\",\"https://example.com/broken/link\"]}'%n", api.actualPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        ExampleDatabase.await(vertx.close(), 60);
      } catch (Exception e) {
        System.err.println("stopping: " + e);
      } finally {
        db.close();
        stopped.countDown();
      }
    }));
    stopped.await();
  }

  /** Migrates, deploys two worker verticles and the API; completes with the deployed API. */
  public static Future<PipelineApi> start(Vertx vertx, Spool spool, int port) {
    PipelineApi api = new PipelineApi(spool.client(), port);
    return spool.migrate()
        .compose(v -> spool.deployWorkers(new WorkerOptions(), handlers(vertx), 2))
        .compose(id -> vertx.deployVerticle(api))
        .map(id -> api);
  }

  /**
   * The workflow for these pages: one fetch step per URL ({@code fetch-1}, ...) and the {@code index} step
   * after all of them. The index runs even when some fetches failed, so that one broken link does not
   * cost the whole index: it indexes what was fetched and names the rest.
   */
  public static Workflow workflow(List<String> urls) {
    Workflow wf = Workflow.named("index " + urls.size() + " pages");
    List<String> fetches = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      String step = "fetch-" + (i + 1);
      wf.step(step, FETCH_PAGE, new JsonObject().put("url", urls.get(i)));
      fetches.add(step);
    }
    return wf.step("index", new JobRequest<>(BUILD_INDEX, new JsonObject(), new EnqueueOptions()),
        new StepOptions().dependsOn(fetches).setRunOnParentFailure(true));
  }

  static JobHandlers handlers(Vertx vertx) {
    // a broken page will not mend in the time of a request: fail it at once instead of retrying for minutes
    HandlerOptions fetchOptions = new HandlerOptions().setTimeout(Duration.ofSeconds(10))
        .setRetryPolicy(new RetryPolicy().setMaxAttempts(1));
    return new JobHandlers()
        .register(FETCH_PAGE, (args, ctx) -> fetch(vertx, args.getString("url")), fetchOptions)
        .register(BUILD_INDEX, (args, ctx) -> ctx.parents().map(PipelineExample::index));
  }

  /** The simulated fetch: the page's words are its path segments, lower-cased. */
  private static Future<JsonObject> fetch(Vertx vertx, String url) {
    if (url == null || url.contains("broken")) {
      return Future.failedFuture(new GiveUpException("cannot fetch " + url + ": 404"));
    }
    JsonObject words = new JsonObject();
    String path = URI.create(url).getPath();
    for (String word : path.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!word.isEmpty()) {
        words.put(word, words.getInteger(word, 0) + 1);
      }
    }
    long ms = url.contains("slow") ? SLOW_PAGE_MS : 20;
    return vertx.timer(ms).map(v -> new JsonObject().put("url", url).put("words", words));
  }

  /** The fan-in: an inverted index (word to the URLs that have it) over the pages that were fetched. */
  static JsonObject index(List<JobResult> pages) {
    Map<String, TreeSet<String>> index = new TreeMap<>();
    JsonArray failed = new JsonArray();
    int fetched = 0;
    for (JobResult page : pages) {
      if (page.state() != JobState.COMPLETED) {
        failed.add(new JsonObject().put("step", page.step()).put("error", page.error() == null ? null
            : page.error().getString("message")));
        continue;
      }
      fetched++;
      JsonObject result = (JsonObject) page.json();
      String url = result.getString("url");
      result.getJsonObject("words").fieldNames().forEach(word -> index.computeIfAbsent(word, w -> new TreeSet<>()).add(url));
    }
    JsonObject terms = new JsonObject();
    index.forEach((word, urls) -> terms.put(word, new JsonArray(new ArrayList<>(urls))));
    return new JsonObject().put("pages", fetched).put("failed", failed).put("index", terms);
  }
}
