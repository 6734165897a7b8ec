package io.github.reloadwatch.sidecar;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks values and combinations of {@link SidecarOptions} before anything starts, so every bad
 * argument exits with 2 and a message naming the option, and nothing given is silently ignored.
 */
final class OptionChecks {

  static final Set<String> LOG_FORMATS = Set.of("text", "logfmt", "json");
  static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "warning", "error");

  private OptionChecks() {}

  static void check(SidecarOptions o) {
    List<ApiObject> fromApi = ApiObject.plan(o);
    if (o.watch.isEmpty() && fromApi.isEmpty()) {
      throw new UsageException("Missing required option: --watch (or RELOADWATCH_WATCH), or"
          + " --from-configmap/--from-secret with --materialize");
    }
    oneOf("--log-format", o.logFormat, LOG_FORMATS);
    oneOf("--log-level", o.logLevel, LOG_LEVELS);
    oneOf("--render-syntax", o.renderSyntax, Set.of("braces", "parentheses"));
    positive("--timeout", o.timeout);
    positive("--unhealthy-after", o.unhealthyAfter);
    if (o.retryInterval != null) {
      positive("--retry-interval", o.retryInterval);
    }
    if (o.maxDelay != null && o.maxDelay.compareTo(o.debounce) < 0) {
      throw new UsageException("--max-delay (" + human(o.maxDelay) + ") must not be less than"
          + " --debounce (" + human(o.debounce) + "): raise --max-delay or lower --debounce");
    }
    if (o.maxAttempts < 0) {
      throw new UsageException("--max-attempts (" + o.maxAttempts + ") must be 0 (retry until"
          + " success) or a positive count");
    }
    if (!o.metricsPath.startsWith("/") || List.of("/healthz", "/readyz").contains(o.metricsPath)) {
      throw new UsageException("--metrics-path (" + o.metricsPath + ") must start with / and not"
          + " be /healthz or /readyz");
    }
    checkHttp(o);
    checkSignal(o);
    if (o.validateFile != null && o.validateCommand == null) {
      throw new UsageException("--validate-file needs --validate-command");
    }
    boolean anyTarget = !o.urls.isEmpty() || o.prometheus != null || o.alertmanager != null
        || o.signal != null || o.pid != null || o.pidFile != null || o.processName != null
        || !o.command.isEmpty();
    if (!anyTarget && !o.once) {
      throw new UsageException("no reload target: give --url, --prometheus, --alertmanager,"
          + " --signal with --pid, --pid-file or --process-name, or a command after --");
    }
  }

  private static void checkHttp(SidecarOptions o) {
    boolean anyHttp = !o.urls.isEmpty() || o.prometheus != null || o.alertmanager != null;
    if (o.verify && !o.urls.isEmpty()) {
      throw new UsageException("--verify confirms a reload through the target's own status, which"
          + " only --prometheus and --alertmanager know how to read: use --prometheus BASE_URL"
          + " instead of --url BASE_URL/-/reload");
    }
    if (o.verify && o.prometheus == null && o.alertmanager == null) {
      throw new UsageException("--verify needs --prometheus or --alertmanager");
    }
    if (o.urls.isEmpty()) {
      if (!o.httpMethod.equalsIgnoreCase("POST")) {
        throw new UsageException("--http-method applies to --url targets, and none is given");
      }
      if (o.expectStatus != null) {
        throw new UsageException("--expect-status applies to --url targets, and none is given");
      }
    }
    if (o.expectStatus != null && (o.expectStatus < 100 || o.expectStatus > 599)) {
      throw new UsageException("--expect-status (" + o.expectStatus + ") must be in 100-599");
    }
    if (!anyHttp) {
      for (var entry : List.of(
          new Object[] {"--header", !o.headers.isEmpty()},
          new Object[] {"--bearer-token-file", o.bearerTokenFile != null},
          new Object[] {"--basic-auth-user", o.basicAuthUser != null},
          new Object[] {"--cacert", o.cacert != null},
          new Object[] {"--cert", o.cert != null},
          new Object[] {"--insecure-skip-verify", o.insecureSkipVerify})) {
        if ((Boolean) entry[1]) {
          throw new UsageException(entry[0] + " applies to HTTP targets (--url, --prometheus,"
              + " --alertmanager), and none is given");
        }
      }
    }
    if (o.basicAuthUser != null && o.basicAuthPasswordFile == null) {
      throw new UsageException("--basic-auth-user needs --basic-auth-password-file");
    }
    if (o.basicAuthPasswordFile != null && o.basicAuthUser == null) {
      throw new UsageException("--basic-auth-password-file needs --basic-auth-user");
    }
    if ((o.cert == null) != (o.key == null)) {
      throw new UsageException("--cert and --key go together");
    }
  }

  private static void checkSignal(SidecarOptions o) {
    int ways = (o.pid != null ? 1 : 0) + (o.pidFile != null ? 1 : 0)
        + (o.processName != null ? 1 : 0);
    if ((o.signal != null || ways > 0) && ways != 1) {
      throw new UsageException("--signal needs exactly one of --pid, --pid-file or"
          + " --process-name");
    }
    if (o.pid != null && o.pid <= 0) {
      throw new UsageException("--pid (" + o.pid + ") must be positive");
    }
  }

  private static void oneOf(String option, String value, Set<String> allowed) {
    if (!allowed.contains(value.toLowerCase(Locale.ROOT))) {
      throw new UsageException(option + " takes one of " + new java.util.TreeSet<>(allowed)
          + ", got '" + value + "'");
    }
  }

  private static void positive(String option, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new UsageException(option + " must be positive, got " + human(value));
    }
  }

  /** {@code 250ms}, {@code 5s}, {@code 90s}: how the user wrote it, roughly. */
  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
