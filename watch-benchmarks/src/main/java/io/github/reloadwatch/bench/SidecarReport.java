package io.github.reloadwatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown tables of {@link SidecarBench}: one row per configuration and JVM variant. */
final class SidecarReport {

  /** Issue #15's targets, for the documented variant (the Dockerfile's flags and archive). */
  static final long READY_TARGET_MS = 250;
  static final long RSS_TARGET_MIB = 48;
  static final long FIRST_RELOAD_SLACK_MS = 20;

  private SidecarReport() {}

  static String render(Map<String, Map<String, List<SidecarSample.Result>>> results,
      List<SidecarBench.Variant> variants, int runs, int changes, Duration idle, Path jar,
      Path archive, long trainingNanos, Instant startedAt, String loadBefore, String loadAfter,
      List<String> documented, boolean reloadOnStart) throws Exception {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Machine: %d cores, %s %s. Started %s; load average %s"
            + " at the start, %s at the end. %d starts per row, interleaved; %d changes per start"
            + " (1 for signal)%s; %d s idle before memory is read.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"), startedAt, loadBefore, loadAfter, runs, changes,
        reloadOnStart ? ", after the reload at start" : ", the first one the first reload of the"
            + " process (--reload-on-start=false)", idle.toSeconds()));
    b.append(String.format(Locale.ROOT, "Jar %s (%.1f MiB); AppCDS archive from"
            + " watch-sidecar/cds-training.sh in this run: %.1f MiB, training run and dump %.1f s.%n%n",
        jar.getFileName(), Files.size(jar) / 1048576.0, Files.size(archive) / 1048576.0,
        trainingNanos / 1e9));
    b.append("| Configuration | JVM | start → /readyz median (p90) | vs plain | idle RSS median"
        + " (anon + file) | vs plain | first reload | 10th reload | first − 10th (median of"
        + " runs) |\n|---|---|---|---|---|---|---|---|---|\n");
    List<String> verdicts = new ArrayList<>();
    for (var config : results.entrySet()) {
      List<SidecarSample.Result> plain = config.getValue().get(variants.get(0).name());
      for (SidecarBench.Variant v : variants) {
        List<SidecarSample.Result> rs = config.getValue().get(v.name());
        Stats ready = new Stats();
        Stats rss = new Stats();
        Stats anon = new Stats();
        Stats file = new Stats();
        Stats first = new Stats();
        Stats last = new Stats();
        Stats gap = new Stats();
        for (SidecarSample.Result r : rs) {
          ready.add(r.readyNanos());
          rss.add(r.rssKiB());
          anon.add(r.anonKiB());
          file.add(r.fileKiB());
          List<Long> reloads = r.reloadNanos();
          if (reloads.size() >= 2) {
            first.add(reloads.get(0));
            last.add(reloads.get(reloads.size() - 1));
            gap.add(reloads.get(0) - reloads.get(reloads.size() - 1));
          }
        }
        Stats plainReady = new Stats();
        Stats plainRss = new Stats();
        plain.forEach(r -> {
          plainReady.add(r.readyNanos());
          plainRss.add(r.rssKiB());
        });
        b.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms (%.0f ms) | %.2fx | %.1f MiB"
                + " (%.1f + %.1f) | %.2fx | %s | %s | %s |%n", config.getKey(), v.name(),
            ready.median() / 1e6, ready.percentile(90) / 1e6,
            (double) ready.median() / plainReady.median(), rss.median() / 1024.0,
            anon.median() / 1024.0, file.median() / 1024.0,
            (double) rss.median() / plainRss.median(),
            first.isEmpty() ? "n/a" : Stats.ms(first.median()),
            last.isEmpty() ? "n/a" : Stats.ms(last.median()),
            gap.isEmpty() ? "n/a" : signedMs(gap.median())));
        if (v.name().equals("Dockerfile flags + AppCDS")) {
          verdicts.add(verdict(config.getKey(), ready, rss, gap));
        }
      }
    }
    b.append("\n| Target (Dockerfile flags + AppCDS) | Result |\n|---|---|\n");
    verdicts.forEach(b::append);
    b.append("\nDockerfile flags: `").append(String.join(" ", documented))
        .append("`; + AppCDS: `-XX:SharedArchiveFile=... -Xshare:auto`.");
    for (SidecarBench.Variant v : variants.subList(3, variants.size())) {
      b.append(" ").append(v.name()).append(": `").append(String.join(" ", v.flags()))
          .append("`.");
    }
    b.append('\n');
    return b.toString();
  }

  private static String verdict(String config, Stats ready, Stats rss, Stats gap) {
    long readyMs = ready.median() / 1_000_000;
    double rssMib = rss.median() / 1024.0;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "| %s: start → /readyz ≤ %d ms median | %d ms: **%s** |%n",
        config, READY_TARGET_MS, readyMs, readyMs <= READY_TARGET_MS ? "pass" : "miss"));
    b.append(String.format(Locale.ROOT, "| %s: idle RSS ≤ %d MiB | %.1f MiB: **%s** |%n", config,
        RSS_TARGET_MIB, rssMib, rssMib <= RSS_TARGET_MIB ? "pass" : "miss"));
    if (!gap.isEmpty()) {
      double gapMs = gap.median() / 1e6;
      b.append(String.format(Locale.ROOT, "| %s: first reload within %d ms of the 10th | %s:"
          + " **%s** |%n", config, FIRST_RELOAD_SLACK_MS, signedMs(gap.median()),
          gapMs <= FIRST_RELOAD_SLACK_MS ? "pass" : "miss"));
    }
    return b.toString();
  }

  private static String signedMs(long nanos) {
    return (nanos >= 0 ? "+" : "−") + Stats.ms(Math.abs(nanos));
  }
}
