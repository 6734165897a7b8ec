/**
 * Test support for code that uses reloadwatch: {@link io.github.reloadwatch.testing.FakeScheduler}
 * drives a watcher (and the HTTP action) with fake time, {@link
 * io.github.reloadwatch.testing.ConfigMapFixture} updates a real directory the way kubelet updates a
 * ConfigMap volume, {@link io.github.reloadwatch.testing.RecordingAction} records reloads and can
 * fail, reject or block on demand, and {@link io.github.reloadwatch.testing.LogCapture} captures
 * log output.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.testing;
