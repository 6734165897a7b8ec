package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Which generations an alias resolves, driven by fake time. */
class GenerationsTest {

  private final FakeScheduler scheduler = new FakeScheduler();
  private final Generations generations = new Generations(scheduler, Duration.ofSeconds(60));
  private final TestPki.Ca ca = TestPki.ca("generations CA");

  private Identity identity(long generation) {
    TestPki.Leaf leaf = TestPki.leaf(ca, "g" + generation);
    return new Identity(generation, leaf.keys.getPrivate(), leaf.chain, "digest-" + generation,
        Instant.EPOCH);
  }

  @Test
  void supersededGeneration_resolvesForTheRetention_thenNot() {
    Identity g1 = identity(1);
    Identity g2 = identity(2);
    generations.publish(g1);
    generations.publish(g2);

    assertThat(generations.current()).isSameAs(g2);
    assertThat(generations.byAlias(g1.alias())).isSameAs(g1);
    assertThat(generations.retained()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(60));
    assertThat(generations.byAlias(g1.alias())).as("still within the window").isSameAs(g1);

    scheduler.advance(Duration.ofMillis(1));
    assertThat(generations.byAlias(g1.alias())).isNull();
    assertThat(generations.byAlias(g2.alias())).isSameAs(g2);
    assertThat(generations.retained()).isZero();
  }

  @Test
  void pruneTimer_dropsTheOldKey() {
    generations.publish(identity(1));
    generations.publish(identity(2));
    assertThat(scheduler.pendingTasks()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(61));
    assertThat(scheduler.pendingTasks()).isZero();
    assertThat(generations.retained()).isZero();
  }

  @Test
  void eachGenerationKeepsItsOwnWindow() {
    Identity g1 = identity(1);
    Identity g2 = identity(2);
    Identity g3 = identity(3);
    generations.publish(g1);
    generations.publish(g2);
    scheduler.advance(Duration.ofSeconds(30));
    generations.publish(g3);
    scheduler.advance(Duration.ofSeconds(40));

    assertThat(generations.byAlias(g1.alias())).isNull();
    assertThat(generations.byAlias(g2.alias())).isSameAs(g2);
    assertThat(generations.byAlias(g3.alias())).isSameAs(g3);
  }

  @Test
  void retention_holdsWhenThePruneTimerCannotRun() {
    // a scheduler that was shut down: the window must not depend on the timer
    Scheduler stopped = new Scheduler() {
      @Override
      public long nanoTime() {
        return scheduler.nanoTime();
      }

      @Override
      public Instant instant() {
        return scheduler.instant();
      }

      @Override
      public Future<?> schedule(Runnable task, Duration delay) {
        throw new RejectedExecutionException("shut down");
      }
    };
    Generations g = new Generations(stopped, Duration.ofSeconds(60));
    Identity g1 = identity(1);
    g.publish(g1);
    g.publish(identity(2));
    scheduler.advance(Duration.ofSeconds(61));
    assertThat(g.byAlias(g1.alias())).isNull();
    assertThat(g.retained()).isZero();
  }

  @Test
  void unknownAlias() {
    generations.publish(identity(1));
    assertThat(generations.byAlias("server")).isNull();
    assertThat(generations.byAlias(null)).isNull();
  }

  @Test
  void aliases_areDistinctPerGenerationAndCertificate() {
    Identity g1 = identity(1);
    Identity g2 = identity(2);
    assertThat(g1.alias()).startsWith("reloadwatch-1-").isNotEqualTo(g2.alias());
    assertThat(g1.toString()).contains("generation=1").contains("CN=g1")
        .doesNotContain(g1.key().toString());
  }
}
