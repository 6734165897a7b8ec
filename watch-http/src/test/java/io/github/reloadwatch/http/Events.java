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
    return of(ReloadReason.CHANGE, attempt);
  }

  static ReloadEvent of(ReloadReason reason, int attempt) {
    return new ReloadEvent(reason, List.of(), attempt, Snapshot.empty(), Instant.now());
  }
}
