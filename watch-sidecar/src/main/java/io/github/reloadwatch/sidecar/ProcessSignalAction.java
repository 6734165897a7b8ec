package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.SignalReloadAction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Signals the process whose executable has a given name, looked up on every reload (a restarted
 * target has a new pid), as prometheus-config-reloader's {@code --reload-method=signal} does. In
 * Kubernetes the containers must share a process namespace ({@code shareProcessNamespace: true})
 * and the sidecar must be allowed to signal the target (same user, or {@code CAP_KILL}).
 *
 * <p>With a runtime info URL (Prometheus' {@code /api/v1/status/runtimeinfo}), the reload is
 * confirmed: the target's {@code lastConfigTime} must move after the signal, and {@code
 * reloadConfigSuccess} false is a rejection. Thread-safe.
 */
final class ProcessSignalAction implements ReloadAction {

  private static final Pattern LAST_CONFIG_TIME = Pattern.compile("\"lastConfigTime\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern RELOAD_SUCCESS = Pattern.compile("\"reloadConfigSuccess\"\\s*:\\s*(true|false)");
  private static final Duration CONFIRM_WITHIN = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(250);

  private final String executable;
  private final String signal;
  private final URI runtimeInfo;
  private final Duration timeout;
  private final Supplier<Stream<ProcessHandle>> processes;
  private final HttpClient http;

  ProcessSignalAction(String executable, String signal, URI runtimeInfo, Duration timeout) {
    this(executable, signal, runtimeInfo, timeout, ProcessHandle::allProcesses);
  }

  ProcessSignalAction(String executable, String signal, URI runtimeInfo, Duration timeout,
      Supplier<Stream<ProcessHandle>> processes) {
    this.executable = executable;
    this.signal = signal;
    this.runtimeInfo = runtimeInfo;
    this.timeout = timeout;
    this.processes = processes;
    this.http = runtimeInfo == null ? null
        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    SignalReloadAction.toPid(1, signal); // checks the signal name now, not at the first reload
  }

  @Override
  public void reload(ReloadEvent event) throws Exception {
    String before = runtimeInfo == null ? null : lastConfigTime(fetch());
    long pid = find().orElseThrow(() -> ReloadFailedException.targetUnavailable(
        "no process named " + executable + " is running: is the target up? In Kubernetes, set"
            + " shareProcessNamespace: true", null));
    SignalReloadAction.toPid(pid, signal).reload(event);
    if (runtimeInfo != null) {
      confirm(before);
    }
  }

  /** The pid of the first process (lowest pid) whose executable is named {@link #executable}. */
  Optional<Long> find() {
    long self = ProcessHandle.current().pid();
    try (Stream<ProcessHandle> all = processes.get()) {
      return all.filter(p -> p.pid() != self && executable.equals(name(p)))
          .map(ProcessHandle::pid).sorted().findFirst();
    }
  }

  /** The executable's file name: from the process info, else from {@code /proc/<pid>/comm}. */
  static String name(ProcessHandle process) {
    Optional<String> command = process.info().command();
    if (command.isPresent()) {
      return Path.of(command.get()).getFileName().toString();
    }
    try {
      // other users' processes hide their executable path; comm (15 characters) stays readable
      return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm"),
          StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private void confirm(String before) throws Exception {
    long polls = CONFIRM_WITHIN.toMillis() / POLL.toMillis();
    for (long i = 0; i < polls; i++) {
      String body = fetch();
      String now = lastConfigTime(body);
      if (now != null && !now.equals(before)) {
        Matcher success = RELOAD_SUCCESS.matcher(body);
        if (success.find() && success.group(1).equals("false")) {
          throw new ReloadRejectedException(executable + " reloaded after SIG" + signal
              + " but reports reloadConfigSuccess false: the new configuration is invalid (see its"
              + " log)");
        }
        return;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IOException(executable + " did not report a new lastConfigTime at "
        + Conversions.redacted(runtimeInfo) + " within " + CONFIRM_WITHIN.toSeconds() + " s of SIG"
        + signal);
  }

  private String fetch() throws IOException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(runtimeInfo).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw ReloadFailedException.targetUnavailable("cannot read "
          + Conversions.redacted(runtimeInfo) + ": " + e.getClass().getSimpleName(), null);
    }
    if (response.statusCode() != 200) {
      throw new IOException(Conversions.redacted(runtimeInfo) + " answered "
          + response.statusCode());
    }
    return response.body();
  }

  private static String lastConfigTime(String body) {
    Matcher m = LAST_CONFIG_TIME.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  @Override
  public String toString() {
    return "ProcessSignalAction{SIG" + signal + " to process " + executable
        + (runtimeInfo != null ? ", confirmed at " + Conversions.redacted(runtimeInfo) : "") + "}";
  }
}
