#!/bin/sh
# Builds the sidecar's AppCDS archive (issue #15): a training run records every class a running
# sidecar loads (start-up, a change and its HTTP reload, a scrape of /metrics, SIGTERM), then the
# JVM dumps them into a static archive that later starts map instead of parsing and verifying.
# deploy/Dockerfile runs this at image build, with the java, jar path and flags of its
# ENTRYPOINT (an archive is only used by the same JVM, with the same jar at the same path);
# SidecarJarTest and `benchmarks.jar sidecar` run it too (from the repository: watch-sidecar/).
#
#   usage: cds-training.sh JAVA JAR ARCHIVE [JVM FLAG...]
#
# Needs curl. The training sidecar listens on 127.0.0.1:${CDS_TRAINING_PORT:-19533} and reloads
# itself: its URL target is its own /healthz, which answers a POST with 200, so the HTTP path is
# trained without a server of its own.
set -eu
java=$1
jar=$2
archive=$3
shift 3
port=${CDS_TRAINING_PORT:-19533}
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "cds-training: $1" >&2
  cat "$work/training.log" >&2 2>/dev/null || true
  exit 1
}
# up to 30 s for a condition, checked every 50 ms
await() {
  i=0
  until "$@"; do
    i=$((i + 1))
    [ "$i" -lt 600 ] || return 1
    sleep 0.05
  done
}
mkdir "$work/config"
printf 'global:\n  scrape_interval: 1m\n' > "$work/config/prometheus.yml"
url="http://127.0.0.1:$port"

"$java" "$@" -Xshare:off -XX:DumpLoadedClassList="$work/classes.lst" -jar "$jar" \
  --watch "$work/config" --url "$url/healthz" --debounce 10ms \
  --listen-address "127.0.0.1:$port" > "$work/training.log" 2>&1 &
pid=$!
ready() { curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; }
await ready || fail "the training sidecar did not become ready"

reloads() { # the number of successful reloads is $1
  curl -fsS "$url/metrics" 2>/dev/null \
    | grep -q "^configmap_reload_success_reloads_total{[^}]*} $1\\.0"
}
await reloads 1 || fail "the training sidecar did not reload at start"
# a change as kubelet writes it (a new file renamed over the old one), and its reload
printf 'global:\n  scrape_interval: 2m\n' > "$work/config/.prometheus.yml.tmp"
mv "$work/config/.prometheus.yml.tmp" "$work/config/prometheus.yml"
await reloads 2 || fail "the training sidecar did not reload the change"
curl -fsS -o /dev/null "$url/healthz" || fail "/healthz did not answer 200"

kill -TERM "$pid"
wait "$pid" || fail "the training sidecar did not exit with 0 on SIGTERM"
pid=

"$java" "$@" -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" \
  -XX:SharedArchiveFile="$archive" -cp "$jar" > "$work/dump.log" 2>&1 \
  || { cat "$work/dump.log" >&2; fail "-Xshare:dump failed"; }
echo "cds-training: $(grep -c . "$work/classes.lst") classes and lambda forms in $archive" \
  "($(wc -c < "$archive") bytes)"
