#!/usr/bin/env bash
# Measures the sidecar's start-up time (process start to /readyz 200) and idle resident memory,
# with the JVM flags from deploy/Dockerfile. Usage (after ./mvnw -q package -DskipTests):
#   watch-sidecar/measure-sidecar.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=watch-sidecar/target/reloadwatch-sidecar.jar
runs=${1:-5}
flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -Xmx32m -XX:MaxMetaspaceSize=48m
       -XX:ReservedCodeCacheSize=16m -XX:CICompilerCount=1 -Xshare:auto)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config"
echo "global: {}" > "$work/config/prometheus.yml"
port=19533
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  java "${flags[@]}" -jar "$jar" --watch "$work/config" --url http://127.0.0.1:1/-/reload \
    --listen-address "127.0.0.1:$port" >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.01
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 5   # idle
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill -TERM "$pid"; wait "$pid" || true
  echo "run $i: ready in ${ready} ms, idle RSS $((rss / 1024)) MiB"
done
