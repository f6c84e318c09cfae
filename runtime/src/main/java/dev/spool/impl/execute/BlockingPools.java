package dev.spool.impl.execute;

import dev.spool.QueueOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Where a worker's blocking handlers run: a named Vert.x {@link WorkerExecutor} ({@value #NAME}, or
 * {@value #NAME}{@code -<queue>} for a queue with a pool of its own), or virtual threads.
 *
 * <p>The pools are shared by name, so the worker verticles of one Vert.x instance share one pool of
 * {@code blockingPoolSize} threads (the first to open it sets its size). Vert.x's blocked-thread checker
 * is off for them: a handler may legitimately block for minutes, and Spool's own soft and hard limits and
 * its stuck report watch these threads instead.
 *
 * <p>Virtual threads come from Vert.x's virtual-thread support: a verticle deployed with
 * {@link ThreadingModel#VIRTUAL_THREAD} lends its context, whose blocking tasks each get a virtual thread.
 *
 * <p>{@link #execute} is called on the worker's event loop, and its future completes there.
 */
public final class BlockingPools {

  /** The name of the shared pool; a queue's own pool is this name, a dash and the queue. */
  public static final String NAME = "spool-blocking";
  /** Vert.x warns of a worker thread blocked longer than this: never, for these pools. */
  private static final long NO_BLOCKED_WARNING_NANOS = Long.MAX_VALUE;

  private final Vertx vertx;
  private final Context loop;
  private final WorkerExecutor shared;
  private final Map<String, WorkerExecutor> byQueue;
  private final Context virtualThreads;
  private final String virtualDeployment;

  private BlockingPools(Vertx vertx, Context loop, WorkerExecutor shared, Map<String, WorkerExecutor> byQueue,
      Context virtualThreads, String virtualDeployment) {
    this.vertx = vertx;
    this.loop = loop;
    this.shared = shared;
    this.byQueue = byQueue;
    this.virtualThreads = virtualThreads;
    this.virtualDeployment = virtualDeployment;
  }

  /** Pools for a worker that has no blocking handler: running one fails. */
  public static BlockingPools none() {
    return new BlockingPools(null, null, null, Map.of(), null, null);
  }

  /**
   * Opens the pools of a worker verticle whose event loop is {@code loop}: virtual threads when the
   * options say so, else the shared pool and one per queue that sets its own size.
   */
  public static Future<BlockingPools> open(Vertx vertx, Context loop, WorkerOptions options, List<String> queues) {
    if (options.isVirtualThreads()) {
      Lender lender = new Lender();
      return vertx.deployVerticle(lender, new DeploymentOptions().setThreadingModel(ThreadingModel.VIRTUAL_THREAD))
          .map(id -> new BlockingPools(vertx, loop, null, Map.of(), lender.context(), id));
    }
    WorkerExecutor shared = vertx.createSharedWorkerExecutor(NAME, options.getBlockingPoolSize(),
        NO_BLOCKED_WARNING_NANOS, TimeUnit.NANOSECONDS);
    Map<String, WorkerExecutor> byQueue = new LinkedHashMap<>();
    for (String queue : queues) {
      QueueOptions q = options.getQueueOptions(queue);
      if (q != null && q.getBlockingPoolSize() != null) {
        byQueue.put(queue, vertx.createSharedWorkerExecutor(NAME + "-" + queue, q.getBlockingPoolSize(),
            NO_BLOCKED_WARNING_NANOS, TimeUnit.NANOSECONDS));
      }
    }
    return Future.succeededFuture(new BlockingPools(vertx, loop, shared, byQueue, null, null));
  }

  /** Runs {@code task} on a thread of the pool of {@code queue}; call on the event loop, completes there. */
  public <T> Future<T> execute(String queue, Callable<T> task) {
    if (virtualThreads != null) {
      Promise<T> done = Promise.promise();
      virtualThreads.executeBlocking(() -> {
        try {
          T result = task.call();
          loop.runOnContext(v -> done.complete(result));
        } catch (Throwable e) {
          loop.runOnContext(v -> done.fail(e));
        }
        return null;
      }, false);
      return done.future();
    }
    if (shared == null) {
      return Future.failedFuture(new IllegalStateException("this worker has no blocking pool"));
    }
    // unordered: each task may take a free thread; a Future bound to this event loop's context
    return byQueue.getOrDefault(queue, shared).executeBlocking(task, false);
  }

  /** Closes the pools (a shared pool ends with its last user) and undeploys the virtual-thread lender. */
  public Future<Void> close() {
    List<Future<?>> closed = new ArrayList<>();
    if (shared != null) {
      closed.add(shared.close());
    }
    byQueue.values().forEach(e -> closed.add(e.close()));
    if (virtualDeployment != null) {
      closed.add(vertx.undeploy(virtualDeployment));
    }
    return Future.join(closed).mapEmpty();
  }

  /** A verticle that does nothing but lend its virtual-thread context. */
  private static final class Lender extends VerticleBase {
    Context context() {
      return context;
    }
  }
}
