#!/usr/bin/env bash
# Measures the sidecar's start-up time (process start to /readyz 200) and idle resident memory,
# with the JVM flags from deploy/Dockerfile, for two command lines: a mounted folder (--watch) and
# the Kubernetes API (--from-configmap, against fabric8's mock API server on loopback, started from
# the test classes). Usage (after ./mvnw -q install, which builds the jar and the test classes):
#   watch-sidecar/measure-sidecar.sh [runs] [watch|api|both]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=watch-sidecar/target/reloadwatch-sidecar.jar
runs=${1:-5}
which=${2:-both}
flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -Xmx32m -XX:MaxMetaspaceSize=48m
       -XX:ReservedCodeCacheSize=16m -XX:CICompilerCount=1 -Xshare:auto)
work=$(mktemp -d)
mock=""
cleanup() {
  if [ -n "$mock" ]; then kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/config"
echo "global: {}" > "$work/config/prometheus.yml"
port=19533
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"

start_mock() {
  local cp=watch-sidecar/target/test-classpath.txt
  if [ ! -s "$cp" ]; then
    ./mvnw -o -q -pl watch-sidecar dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/test-classpath.txt >/dev/null
  fi
  java -cp "watch-sidecar/target/test-classes:$(cat "$cp")" \
    io.github.reloadwatch.sidecar.MockApiServer "$work/kubeconfig" >"$work/mock.log" 2>&1 &
  mock=$!
  for _ in $(seq 1 600); do
    if grep -q "mock API server at" "$work/mock.log" 2>/dev/null; then return; fi
    sleep 0.05
  done
  echo "the mock API server did not start: $(cat "$work/mock.log")" >&2
  exit 1
}

measure() { # label, then the sidecar's arguments
  local label=$1
  shift
  for i in $(seq 1 "$runs"); do
    rm -rf "$work/materialized"
    start=$(date +%s%N)
    KUBECONFIG="$work/kubeconfig" java "${flags[@]}" -jar "$jar" "$@" \
      --url http://127.0.0.1:1/-/reload --listen-address "127.0.0.1:$port" >"$work/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1000); do
      if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
      sleep 0.01
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 5   # idle
    rss=$(ps -o rss= -p "$pid" | tr -d ' ')
    metaspace=$(jstat -gc "$pid" 2>/dev/null | awk 'NR==2 {printf "%.1f", $10 / 1024}')
    classes=$(jstat -class "$pid" 2>/dev/null | awk 'NR==2 {print $1}')
    kill -TERM "$pid"; wait "$pid" || true
    echo "$label run $i: ready in ${ready} ms, idle RSS $((rss / 1024)) MiB," \
      "metaspace ${metaspace:-?} MiB, ${classes:-?} classes"
  done
}

if [ "$which" != api ]; then
  measure "--watch          " --watch "$work/config"
fi
if [ "$which" != watch ]; then
  start_mock
  measure "--from-configmap " --from-configmap prometheus-config --materialize "$work/materialized"
fi
