package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.Snapshot;
import java.time.Instant;
import java.util.List;

/** ReloadEvents for calling actions directly. */
final class Events {

  private Events() {}

  static ReloadEvent attempt(int attempt) {
    return new ReloadEvent(ReloadReason.CHANGE, List.of(), attempt, Snapshot.empty(), Instant.now());
  }
}
