package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.QueueOptions;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import dev.spool.WorkerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The worker process of a horizon run: runs the load tester's no-op jobs on the default worker options (its
 * leader vacuums the jobs table as in production) until stopped, and every second prints
 * {@code PICKUP <epoch second> <histogram>}: the pickup latencies (handler start minus run_at, in microseconds)
 * of the jobs it started in that second, an HdrHistogram compressed and in Base64. Arguments: database URI,
 * schema, worker verticles, and optionally {@code fair}: the default queue is then fair (keyed, otherwise the
 * default options), as a {@code --keys} run's jobs need for their keys to be served in round robin.
 */
public final class HorizonWorker {

  static final String PICKUP = "PICKUP ";
  /** The fourth argument that makes the default queue fair. */
  static final String FAIR = "fair";

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    Spool spool = Spool.builder(vertx).connectingTo(args[0]).options(new SpoolOptions().setSchema(args[1])).build();
    Recorder recorder = new Recorder(Steady.HISTOGRAM_DIGITS);
    JobHandlers handlers = new JobHandlers().register(Drain.NOOP, (job, ctx) -> {
      recorder.recordValue(Math.max(0, Duration.between(ctx.runAt(), Instant.now()).toNanos() / 1_000));
      return Future.succeededFuture();
    });
    Histogram[] interval = {null};
    vertx.setPeriodic(1_000, t -> {
      interval[0] = recorder.getIntervalHistogram(interval[0]);
      System.out.println(PICKUP + Instant.now().getEpochSecond() + " " + encode(interval[0]));
      System.out.flush();
    });
    WorkerOptions options = new WorkerOptions();
    if (args.length > 3 && args[3].equals(FAIR)) {
      options.setQueueOptions(EnqueueOptions.DEFAULT_QUEUE, new QueueOptions().setFair(true));
    }
    ChildJvm.readyWhenDeployed(vertx, spool, spool.deployWorkers(options, handlers,
        Integer.parseInt(args[2])), "horizon worker");
  }

  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("a PICKUP line that is no histogram: " + e.getMessage(), e);
    }
  }
}
