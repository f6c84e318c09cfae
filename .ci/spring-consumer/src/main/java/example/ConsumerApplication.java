package example;

import dev.spool.BlockingJobHandler;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.spring.SpoolHandler;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * Enqueues one job, waits for its handler bean to run it, and exits: 0 when it ran. (It waits on the handler, not on
 * {@code JobClient.await}: a job without a result is deleted as it completes, and an await that starts after that
 * finds no job.)
 */
@SpringBootApplication
public class ConsumerApplication {

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(ConsumerApplication.class, args)));
  }

  static final CountDownLatch RAN = new CountDownLatch(1);

  @Component
  @SpoolHandler("hello")
  static class Hello implements BlockingJobHandler<JsonObject> {
    @Override
    public void run(JsonObject args, JobContext context) {
      System.out.println("hello, " + args.getString("name"));
      RAN.countDown();
    }
  }

  @Bean
  CommandLineRunner enqueueOne(JobClient jobs) {
    return args -> {
      long id = jobs.enqueue("hello", new JsonObject().put("name", "spring")).await();
      if (!RAN.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("job " + id + " did not run within 60 s");
      }
      System.out.println("job " + id + " ran");
    };
  }
}
