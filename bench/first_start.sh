#!/usr/bin/env bash
# First start of SMART on a "new machine": a fresh clone of this checkout and an empty HOME (no pip, npm or model
# cache), then `make run` three times on the same data. Prints seconds until /v1/health and the admin login
# answer, until the one-off demo seed is done, and how long `make stop` takes. Run on an idle machine:
#   bash bench/first_start.sh [clone-dir]
# Ports 8190/4690/8191 keep it clear of a running `make run`. Copy the figures into bench/startup_RESULTS.md.
set -u
repo=$(git rev-parse --show-toplevel)
dir=${1:-/tmp/smart-first-start}
home=$(mktemp -d)
rm -rf "$dir" && git clone -q "$repo" "$dir" && cd "$dir" || exit 1
export HOME=$home SMART_PORT=8190 SMART_MOTO_PORT=4690 SMART_SIMPEG_PORT=8191
api=http://127.0.0.1:$SMART_PORT
since() { echo "$(date +%s.%N) - $1" | bc; }
run_once() {  # $1: label
  local t0 h="" l="" pid
  t0=$(date +%s.%N)
  make run >"$dir/run_$1.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ -z "$h" ] && curl -sf -o /dev/null "$api/v1/health"; then h=$(since "$t0"); echo "$1: health after $h s"; fi
    if [ -n "$h" ] && [ -z "$l" ] && curl -sf -o /dev/null -H 'content-type: application/json' \
        -d '{"username":"admin","password":"admin-local"}' "$api/v1/auth/admin/login"; then
      l=$(since "$t0"); echo "$1: admin login after $l s"
    fi
    if [ -n "$l" ] && [ -f .local/seeded.json ]; then echo "$1: demo data seeded after $(since "$t0") s"; break; fi
    sleep 0.5
  done
  local s0
  s0=$(date +%s.%N)
  make stop >/dev/null 2>&1
  wait "$pid"
  echo "$1: make stop took $(since "$s0") s"
}
echo "start $(date -u) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run_once first
run_once second
run_once third
echo "end $(date -u), load $(cut -d' ' -f1-3 /proc/loadavg); logs in $dir, HOME was $home"
