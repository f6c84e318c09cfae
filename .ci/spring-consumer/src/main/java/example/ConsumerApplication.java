package example;

import dev.spool.BlockingJobHandler;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.JobState;
import dev.spool.spring.SpoolHandler;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/** Enqueues one job, waits for its handler bean to run it, and exits: 0 when it completed. */
@SpringBootApplication
public class ConsumerApplication {

  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(ConsumerApplication.class, args)));
  }

  @Component
  @SpoolHandler("hello")
  static class Hello implements BlockingJobHandler<JsonObject> {
    @Override
    public void run(JsonObject args, JobContext context) {
      System.out.println("hello, " + args.getString("name"));
    }
  }

  @Bean
  CommandLineRunner enqueueOne(JobClient jobs) {
    return args -> {
      long id = jobs.enqueue("hello", new JsonObject().put("name", "spring")).await();
      JobState state = jobs.await(id, Duration.ofSeconds(60)).await().state();
      System.out.println("job " + id + " " + state);
      if (state != JobState.COMPLETED) {
        throw new IllegalStateException("job " + id + " ended " + state);
      }
    };
  }
}
