package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The presets' shared parts: base URIs with route prefixes, and the reload metrics parser. */
class PresetTest {

  @Test
  void resolve_keepsTheRoutePrefix() {
    assertThat(Preset.resolve(URI.create("http://proxy/prom"), "-/reload"))
        .isEqualTo(URI.create("http://proxy/prom/-/reload"));
    assertThat(Preset.resolve(URI.create("http://proxy/prom/"), "metrics"))
        .isEqualTo(URI.create("http://proxy/prom/metrics"));
    assertThat(Preset.resolve(URI.create("http://am:9093"), "-/reload"))
        .isEqualTo(URI.create("http://am:9093/-/reload"));
  }

  @Test
  void presets_nameTheirServerAndRejectA500() {
    assertThat(PrometheusReload.PRESET.name()).isEqualTo("prometheus");
    assertThat(AlertmanagerReload.PRESET.name()).isEqualTo("alertmanager");
    assertThat(PrometheusReload.PRESET.rejectStatuses()).containsExactly(500);
    assertThat(AlertmanagerReload.PRESET.rejectStatuses()).containsExactly(500);
    assertThat(Preset.NONE.rejectStatuses()).isEmpty();
  }

  @Test
  void sample_readsPlainAndLabelledSamples() {
    String exposition = "# HELP x\n"
        + "alertmanager_config_last_reload_successful 1\n"
        + "alertmanager_config_last_reload_success_timestamp_seconds{instance=\"a\"} 1.7e9\n"
        + "broken_metric NaNish\n";
    assertThat(ReloadMetrics.sample(exposition, "alertmanager_config_last_reload_successful"))
        .isEqualTo(1.0);
    assertThat(ReloadMetrics.sample(exposition,
        "alertmanager_config_last_reload_success_timestamp_seconds")).isEqualTo(1.7e9);
    assertThat(ReloadMetrics.sample(exposition, "broken_metric")).isNull();
    assertThat(ReloadMetrics.sample(exposition, "alertmanager_config_hash")).isNull();
  }
}
