package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The decision as a pure state machine: snapshots are built in memory, time is a value, and no
 * thread or file is involved. Each test is one rule of {@link ReloadDecision}'s javadoc.
 */
class ReloadDecisionTest {

  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private static final Path FILE = Path.of("/etc/app/app.yml");
  private static final Snapshot V1 = snapshot("v1");
  private static final Snapshot V2 = snapshot("v2");
  private static final Snapshot V3 = snapshot("v3");

  private final ReloadDecision decision = new ReloadDecision(RetryPolicy.builder()
      .initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(8)).jitter(0).build());

  private static Snapshot snapshot(String content) {
    return new Snapshot(Map.of(FILE, new Snapshot.Entry(FILE, sha256(content), content.length())));
  }

  private static String sha256(String content) {
    return ContentHasher.hex(ContentHasher.newSha256().digest(content.getBytes()));
  }

  private ReloadDecision.Attempt attempt(Snapshot snapshot, ReloadReason trigger) {
    ReloadDecision.Verdict verdict = decision.decide(snapshot, trigger, T0);
    assertThat(verdict).isInstanceOf(ReloadDecision.Attempt.class);
    return (ReloadDecision.Attempt) verdict;
  }

  private WatchStatus status() {
    WatchStatus.Builder status = new WatchStatus.Builder();
    status.state = WatchStatus.State.RUNNING;
    decision.describe(status);
    return status.build();
  }

  @Test
  void changedContent_isAttemptedAsAChangeWithTheDiffAgainstTheApplied() {
    decision.baseline(V1);
    ReloadDecision.Attempt attempt = attempt(V2, ReloadReason.CHANGE);
    assertThat(attempt.event().reason()).isEqualTo(ReloadReason.CHANGE);
    assertThat(attempt.event().attempt()).isEqualTo(1);
    assertThat(attempt.event().changes())
        .containsExactly(new FileChange(FILE, FileChange.Kind.MODIFIED));
    assertThat(attempt.previous()).isEqualTo(V1);
    assertThat(status().lastAttempt()).contains(T0);
  }

  @Test
  void contentEqualToTheApplied_isSkippedAndCounted() {
    decision.baseline(V1);
    assertThat(decision.decide(V1, ReloadReason.CHANGE, T0)).isInstanceOf(ReloadDecision.Skip.class);
    assertThat(decision.decide(V1, ReloadReason.RESYNC, T0)).isInstanceOf(ReloadDecision.Skip.class);
    assertThat(status().skippedUnchanged()).isEqualTo(2);
    assertThat(status().lastAttempt()).isEmpty();
  }

  @Test
  void aStaleRetryTimer_waitsWithoutCountingASkip() {
    decision.baseline(V1);
    assertThat(decision.decide(V1, ReloadReason.RETRY, T0)).isInstanceOf(ReloadDecision.Wait.class);
    assertThat(status().skippedUnchanged()).isZero();
  }

  @Test
  void success_makesTheSnapshotTheAppliedOne() {
    decision.baseline(V1);
    ReloadDecision.Attempt attempt = attempt(V2, ReloadReason.CHANGE);
    decision.succeeded(attempt.event(), T0.plusSeconds(1));
    assertThat(decision.decide(V2, ReloadReason.CHANGE, T0)).isInstanceOf(ReloadDecision.Skip.class);
    WatchStatus status = status();
    assertThat(status.appliedDigest()).contains(V2.digest());
    assertThat(status.reloadsSucceeded()).isEqualTo(1);
    assertThat(status.lastSuccess()).contains(T0.plusSeconds(1));
    assertThat(status.failing()).isFalse();
  }

  @Test
  void rejectedContent_waitsUntilItChanges_evenOnManyEvents() {
    decision.baseline(V1);
    decision.rejected(attempt(V2, ReloadReason.CHANGE).event(), "bad");
    for (ReloadReason trigger : new ReloadReason[] {ReloadReason.CHANGE, ReloadReason.RESYNC}) {
      assertThat(decision.decide(V2, trigger, T0)).isInstanceOfSatisfying(
          ReloadDecision.Wait.class, w -> assertThat(w.why()).contains("was rejected"));
    }
    WatchStatus status = status();
    assertThat(status.failing()).isTrue();
    assertThat(status.reloadsRejected()).isEqualTo(1);
    assertThat(status.lastError()).contains(
        "pending invalid content since " + T0 + ", digest " + V2.shortDigest() + ": bad");
  }

  @Test
  void aRevertAfterARejection_isReloaded_soTheTargetHeals() {
    decision.baseline(V1);
    decision.rejected(attempt(V2, ReloadReason.CHANGE).event(), "bad");
    ReloadDecision.Attempt revert = attempt(V1, ReloadReason.CHANGE);
    assertThat(revert.event().reason()).isEqualTo(ReloadReason.CHANGE);
    assertThat(revert.event().attempt()).isEqualTo(1);
  }

  @Test
  void failedContent_waitsForItsRetry_andTheRetryCountsAttempts() {
    decision.baseline(V1);
    Optional<Duration> retryIn =
        decision.failed(attempt(V2, ReloadReason.CHANGE).event(), new IOException("down")).delay();
    assertThat(retryIn).contains(Duration.ofSeconds(1));
    assertThat(decision.decide(V2, ReloadReason.CHANGE, T0)).isInstanceOfSatisfying(
        ReloadDecision.Wait.class, w -> assertThat(w.why()).contains("retry pending"));
    ReloadDecision.Attempt retry = attempt(V2, ReloadReason.RETRY);
    assertThat(retry.event().reason()).isEqualTo(ReloadReason.RETRY);
    assertThat(retry.event().attempt()).isEqualTo(2);
    assertThat(decision.failed(retry.event(), new IOException("down")).delay())
        .contains(Duration.ofSeconds(2));
    assertThat(status().reloadsFailed()).isEqualTo(2);
    assertThat(status().lastError()).contains("down");
  }

  @Test
  void aRetryTimerThatFindsNewerContent_attemptsItAsAChange() {
    decision.baseline(V1);
    decision.failed(attempt(V2, ReloadReason.CHANGE).event(), new IOException("down"));
    ReloadDecision.Attempt newer = attempt(V3, ReloadReason.RETRY);
    assertThat(newer.event().reason()).isEqualTo(ReloadReason.CHANGE);
    assertThat(newer.event().attempt()).isEqualTo(1);
  }

  @Test
  void aHintLongerThanTheBackoff_isTheDelay() {
    decision.baseline(V1);
    ReloadFailedException busy =
        new ReloadFailedException("busy", null, Duration.ofSeconds(30));
    assertThat(decision.failed(attempt(V2, ReloadReason.CHANGE).event(), busy).delay())
        .contains(Duration.ofSeconds(30));
  }

  @Test
  void aPolicyThatGivesUp_returnsNoDelay() {
    ReloadDecision never = new ReloadDecision(RetryPolicy.never());
    never.baseline(V1);
    ReloadDecision.Verdict verdict = never.decide(V2, ReloadReason.CHANGE, T0);
    assertThat(never.failed(((ReloadDecision.Attempt) verdict).event(), new IOException("x"))
        .delay()).isEmpty();
  }

  @Test
  void manualAndStart_alwaysAttempt_andCountOnFromAFailure() {
    decision.baseline(V1);
    assertThat(attempt(V1, ReloadReason.MANUAL).event().changes()).isEmpty();
    decision.failed(attempt(V2, ReloadReason.CHANGE).event(), new IOException("down"));
    assertThat(attempt(V2, ReloadReason.MANUAL).event().attempt()).isEqualTo(2);
    decision.rejected(attempt(V3, ReloadReason.CHANGE).event(), "bad");
    assertThat(attempt(V3, ReloadReason.START).event().attempt()).isEqualTo(2);
  }

  @Test
  void invalidAtStart_isPendingAndNothingIsApplied() {
    decision.invalidAtStart(V1, T0, "cannot render: x");
    assertThat(status().appliedDigest()).isEmpty();
    assertThat(status().currentDigest()).contains(V1.digest());
    assertThat(decision.decide(V1, ReloadReason.CHANGE, T0)).isInstanceOf(ReloadDecision.Wait.class);
    assertThat(attempt(V2, ReloadReason.CHANGE).event().changes())
        .containsExactly(new FileChange(FILE, FileChange.Kind.ADDED));
  }

  @Test
  void reloadOnStart_knowsTheContentButNothingApplied() {
    decision.scanned(V1);
    assertThat(status().currentDigest()).contains(V1.digest());
    assertThat(status().appliedDigest()).isEmpty();
    assertThat(attempt(V1, ReloadReason.START).event().reason()).isEqualTo(ReloadReason.START);
  }

  @Test
  void aDryRun_isTakenAsApplied() {
    decision.baseline(V1);
    decision.dryRun(attempt(V2, ReloadReason.CHANGE).event());
    assertThat(decision.decide(V2, ReloadReason.CHANGE, T0)).isInstanceOf(ReloadDecision.Skip.class);
    assertThat(status().reloadsSucceeded()).isZero();
  }

  @Test
  void aScanProblem_isTheLastErrorUntilASuccess() {
    decision.baseline(V1);
    decision.problem("[/etc/app/app.yml] cannot be read");
    assertThat(status().lastError()).contains("[/etc/app/app.yml] cannot be read");
    decision.succeeded(attempt(V2, ReloadReason.CHANGE).event(), T0);
    assertThat(status().lastError()).isEmpty();
  }

  @Test
  void anUnavailableTarget_isRetriedAtTheShortInterval_forAsLongAsItLasts() {
    decision.baseline(V1);
    ReloadEvent event = attempt(V2, ReloadReason.CHANGE).event();
    for (int i = 1; i <= 20; i++) {
      ReloadDecision.Retry retry = decision.failed(event,
          ReloadFailedException.targetUnavailable("connection refused", null));
      assertThat(retry.delay()).as("attempt %d", i).contains(Duration.ofSeconds(1));
      assertThat(retry.unavailableInARow()).isEqualTo(i);
      event = attempt(V2, ReloadReason.RETRY).event();
    }
    assertThat(event.attempt()).isEqualTo(21);
  }

  @Test
  void afterAnOutage_theBackoffStartsFromTheFirstCostlyFailure() {
    decision.baseline(V1);
    ReloadEvent event = attempt(V2, ReloadReason.CHANGE).event();
    for (int i = 0; i < 10; i++) {
      decision.failed(event, ReloadFailedException.targetUnavailable("refused", null));
      event = attempt(V2, ReloadReason.RETRY).event();
    }
    ReloadDecision.Retry first = decision.failed(event, new IOException("503"));
    assertThat(first.delay()).as("not 2^10 s: the refusals cost the target nothing")
        .contains(Duration.ofSeconds(1));
    assertThat(first.unavailableInARow()).isZero();
    event = attempt(V2, ReloadReason.RETRY).event();
    assertThat(decision.failed(event, new IOException("503")).delay())
        .contains(Duration.ofSeconds(2));
  }

  @Test
  void anUnavailableTarget_stillRespectsMaxAttempts() {
    ReloadDecision limited = new ReloadDecision(RetryPolicy.builder().maxAttempts(3).build());
    limited.baseline(V1);
    ReloadDecision.Verdict verdict = limited.decide(V2, ReloadReason.CHANGE, T0);
    ReloadEvent first = ((ReloadDecision.Attempt) verdict).event();
    assertThat(limited.failed(first, ReloadFailedException.targetUnavailable("x", null)).delay())
        .isPresent();
    ReloadEvent third = new ReloadEvent(ReloadReason.RETRY, first.changes(), 3, V2, T0);
    assertThat(limited.failed(third, ReloadFailedException.targetUnavailable("x", null)).delay())
        .isEmpty();
  }

  @Test
  void aCallHeldBackByTheAction_waitsForItsHint_andTheBackoffDoesNotGrow() {
    decision.baseline(V1);
    ReloadEvent event = attempt(V2, ReloadReason.CHANGE).event();
    decision.failed(event, new IOException("timeout"));
    event = attempt(V2, ReloadReason.RETRY).event();
    ReloadFailedException open = new ReloadFailedException("circuit open", null,
        Duration.ofSeconds(3), false, false) {
      private static final long serialVersionUID = 1L;
    };
    assertThat(decision.failed(event, open).delay()).contains(Duration.ofSeconds(3));
    event = attempt(V2, ReloadReason.RETRY).event();
    assertThat(decision.failed(event, new IOException("timeout")).delay())
        .as("the second costly failure, not the third").contains(Duration.ofSeconds(2));
  }
}
