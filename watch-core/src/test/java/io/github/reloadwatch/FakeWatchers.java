package io.github.reloadwatch;

import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;

/** Builders for watchers driven entirely by the test: fake time and fake file system signals. */
final class FakeWatchers {

  private FakeWatchers() {}

  /**
   * A builder whose timers, scans and actions run on {@code scheduler}, whose durations come from
   * its fake clock, and whose OS events come from {@code backend}; no resync. Add paths, actions
   * and the options under test.
   */
  static ReloadWatcher.Builder builder(FakeScheduler scheduler, FakeBackend backend) {
    return ReloadWatcher.builder()
        .scheduler(scheduler)
        .backend(backend)
        .maxDelay(Duration.ofSeconds(1))
        .resyncInterval(Duration.ZERO);
  }
}
