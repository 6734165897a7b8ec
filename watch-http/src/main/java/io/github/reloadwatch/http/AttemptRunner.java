package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.http.AttemptLog.Reach;
import io.github.reloadwatch.http.CircuitGate.Outcome;
import io.github.reloadwatch.http.HttpReloadException.Kind;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * One attempt of an {@link HttpReloadAction}, start to end, in this order: the circuit gate, the
 * readiness probe if the last attempt found the target unavailable, the reload request, its
 * classification (with a readiness probe after a 502, 503 or response timeout), the verification,
 * and the attempt's log line. The rules are in {@link HttpReloadAction}'s javadoc. Thread-safe.
 */
final class AttemptRunner {

  /**
   * The statuses that say the target is overloaded or its backend away, and that the breaker
   * counts. A 500 or another 5xx is the target's deliberate answer about the request (Prometheus
   * answers 500 to a configuration it cannot load, also to a plain {@code --url} action): it is
   * retried with backoff but does not trip the breaker.
   */
  private static final Set<Integer> COSTLY_STATUSES = Set.of(408, 429, 502, 503, 504);
  /** How much of a readiness answer is read: it is a status and a sentence. */
  private static final int READINESS_BODY_LIMIT = 4 * 1024;

  private final String target;
  private final String method;
  private final URI uri;
  private final URI base;
  private final Preset preset;
  private final boolean verify;
  private final Scheduler scheduler;
  private final RequestSender sender;
  private final ResponseClassifier classifier;
  private final CircuitGate gate;
  private final ClientHolder clients;
  private final AttemptLog log;

  AttemptRunner(String target, String method, URI uri, URI base, Preset preset, boolean verify,
      Scheduler scheduler, RequestSender sender, ResponseClassifier classifier, CircuitGate gate,
      ClientHolder clients) {
    this.target = target;
    this.method = method;
    this.uri = uri;
    this.base = base;
    this.preset = preset;
    this.verify = verify;
    this.scheduler = scheduler;
    this.sender = sender;
    this.classifier = classifier;
    this.gate = gate;
    this.clients = clients;
    this.log = new AttemptLog(target, scheduler);
  }

  /** What an attempt found so far: its log outcome, and what it tells the breaker and the log. */
  private static final class Found {
    String outcome = "failed unexpectedly";
    Outcome gate = Outcome.NEUTRAL;
    Reach reach = Reach.NOTHING_SENT;

    void set(String outcome, Outcome gate, Reach reach) {
      this.outcome = outcome;
      this.gate = gate;
      this.reach = reach;
    }
  }

  /** Runs one attempt; see {@link HttpReloadAction#reload(ReloadEvent)}. */
  void run(ReloadEvent event) throws Exception {
    long startNanos = scheduler.nanoTime();
    boolean newContent = event.attempt() == 1 || event.reason() == ReloadReason.MANUAL
        || event.reason() == ReloadReason.START;
    if (!gate.tryAcquire(newContent)) {
      Duration wait = gate.remainingOpen();
      log.log("not called, circuit breaker open for another " + wait.toMillis() + " ms",
          Reach.NOTHING_SENT, startNanos, event);
      throw new CircuitOpenException(target + " failed repeatedly, so it is not called for"
          + " another " + wait.toMillis() + " ms (circuit breaker open); then one probe goes"
          + " through", wait);
    }
    Found found = new Found();
    try {
      attempt(scheduler.instant(), startNanos, found);
    } finally {
      String note = gate.record(found.gate);
      log.log(found.outcome + note, found.reach, startNanos, event);
    }
  }

  private void attempt(Instant started, long startNanos, Found found) throws Exception {
    if (preset.readinessPath() != null && log.targetWasUnavailable()) {
      // it was away: do not queue a reload in a server that is still starting
      ready(startNanos, found, "was not sent", 0);
    }
    Response response;
    try {
      response = sender.send(method, uri, true, startNanos, HttpReloadAction.RESPONSE_BODY_LIMIT);
    } catch (HttpReloadException e) {
      sendFailed(e, found);
      if (e.getCause() instanceof SocketTimeoutException
          && !(e.getCause() instanceof ConnectTimeoutException)
          && preset.readinessPath() != null) {
        ready(startNanos, found, "got no answer in time", 0); // Prometheus holds it until ready
      }
      throw e;
    }
    HttpReloadException failure = classifier.classify(response);
    boolean costly = failure != null && failure.kind() == Kind.TRANSIENT
        && COSTLY_STATUSES.contains(response.status());
    found.set(response.statusLine(), costly ? Outcome.COSTLY : Outcome.ANSWERED, Reach.ANSWERED);
    if (failure != null && (response.status() == 502 || response.status() == 503)
        && preset.readinessPath() != null) {
      ready(startNanos, found, "answered " + response.statusLine(), response.status());
    }
    if (failure != null && failure.kind() == Kind.REJECTED) {
      throw new ReloadRejectedException(failure.getMessage(), failure);
    }
    if (failure != null) {
      throw failure;
    }
    if (verify) {
      try {
        preset.verify(new Verification(base, started,
            u -> sender.send("GET", u, false, startNanos, Verification.BODY_LIMIT)));
        found.outcome += ", verified";
      } catch (HttpReloadException e) {
        found.outcome += HttpReloadException.NOT_CONFIRMED.equals(e.outcome())
            ? ", not confirmed" : ", verification failed (" + e.outcome() + ")";
        throw e;
      }
    }
  }

  /** What a reload request that got no response tells the breaker and the log. */
  private void sendFailed(HttpReloadException e, Found found) {
    if (!e.requestSent() || clients.isClosed()) {
      found.set(e.outcome(), Outcome.NEUTRAL, Reach.NOTHING_SENT);
    } else if (e.targetUnavailable()) {
      found.set(e.outcome(), Outcome.NEUTRAL, Reach.UNAVAILABLE);
    } else if (e.kind() == Kind.TRANSIENT) {
      found.set(e.outcome(), Outcome.COSTLY, Reach.NO_ANSWER);
    } else {
      found.set(e.outcome(), Outcome.ANSWERED, Reach.ANSWERED); // a TLS handshake that failed
    }
  }

  /**
   * Reads the preset's readiness endpoint. Returns if the target is ready, or if its readiness
   * cannot be told (any status but 200, 502 and 503, or a timeout: the reload's own outcome then
   * stands). Throws if it is not there or not ready: a cheap failure, not counted by the breaker.
   *
   * @param what what became of the reload request, for the message: "was not sent", "answered
   *     503 Service Unavailable"
   * @param reloadStatus the reload request's status, or 0 if it was not sent or got no answer
   */
  private void ready(long startNanos, Found found, String what, int reloadStatus)
      throws HttpReloadException {
    String path = preset.readinessPath();
    String before = found.reach == Reach.NOTHING_SENT ? "not sent" : found.outcome;
    Response r;
    try {
      r = sender.send("GET", Preset.resolve(base, path), false, startNanos, READINESS_BODY_LIMIT);
    } catch (HttpReloadException e) {
      if (!e.targetUnavailable()) {
        return;
      }
      found.set(before + ", " + e.outcome() + " (" + path + ")", Outcome.NEUTRAL,
          Reach.UNAVAILABLE);
      throw e;
    }
    if (r.status() != 502 && r.status() != 503) {
      return;
    }
    String outcome = "not ready (" + path + " answered " + r.statusLine() + ")";
    found.set(before + ", " + outcome, Outcome.NEUTRAL, Reach.UNAVAILABLE);
    throw HttpReloadException.notReady(target + " " + what + " and " + r.shown() + " answered "
        + r.statusLine() + ": the target is starting up (not ready yet); retried soon: "
        + r.excerpt(), reloadStatus, outcome);
  }
}
