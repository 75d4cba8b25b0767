#!/usr/bin/env bash
# The Spark engine against a real cluster (issue 19, item 7): a standalone Spark
# master and one worker on 127.0.0.1, started with the pyspark package's own
# launch classes (SPARK_HOME is the pyspark package folder), then
#
#   barometer eval ... --engine spark --spark-master spark://127.0.0.1:PORT --format json
#
# on No 19's CSV and on a generated (SYNTHETIC) GDELT-style Parquet catalogue (its
# signatures scored on the driver, and again on the executor), each JSON compared
# with the python and DuckDB engines' on the same file, and No 19's
# published figures checked. Master and worker are stopped on the way out, whatever
# happens; their logs are printed if anything fails.
#
#   tests/cluster/run.sh [PYTHON]      # PYTHON: an environment with '.[spark]'
#
# Environment: BAROMETER_CLUSTER_EVENTS (generated events, default 20000),
# BAROMETER_CLUSTER_TIMEOUT (seconds for each step, default 300).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${1:-python3}
events=${BAROMETER_CLUSTER_EVENTS:-20000}
limit=${BAROMETER_CLUSTER_TIMEOUT:-300}
work=$(mktemp -d)
pids=()
ok=0

say() { echo "[cluster $(date -u +%H:%M:%S)] $*"; }

finish() {
    local status=$?
    for pid in "${pids[@]}"; do  # only the processes this script started
        kill "$pid" 2> /dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2> /dev/null || true
    done
    if [ "$ok" != 1 ]; then
        for log in "$work"/master.log "$work"/worker.log "$work"/*.err; do
            [ -s "$log" ] || continue
            echo "---- $(basename "$log") (last 60 lines)"
            tail -n 60 "$log"
        done
        echo "[cluster] FAILED (status $status)" >&2
        [ "$status" = 0 ] && status=1
    fi
    rm -rf "$work"
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

SPARK_HOME=$("$py" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
command -v java > /dev/null || { echo "no java on the PATH" >&2; exit 1; }
# everything on the loopback interface: the master, the worker, and the driver
# (barometer's process), which the executor connects back to
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=localhost
export SPARK_LOG_DIR="$work/logs" SPARK_WORKER_DIR="$work/worker"
export PYSPARK_PYTHON="$py" PYSPARK_DRIVER_PYTHON="$py"

wait_for() {  # $1 log file, $2 pattern (extended regex), $3 what, $4 pid
    local deadline=$((SECONDS + limit))
    until grep -Eq "$2" "$1" 2> /dev/null; do
        kill -0 "$4" 2> /dev/null || { echo "the $3 exited before it was ready" >&2; return 1; }
        [ $SECONDS -lt $deadline ] || { echo "no $3 after $limit s" >&2; return 1; }
        sleep 0.5
    done
}

version=$("$py" -c 'import pyspark; print(pyspark.__version__)')
say "standalone master (pyspark $version, $(java -version 2>&1 | head -n 1))"
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port 0 --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
wait_for "$work/master.log" "Starting Spark master at spark://127\.0\.0\.1:[0-9]+" master \
    "${pids[0]}"
url=$(grep -Eo "spark://127\.0\.0\.1:[0-9]+" "$work/master.log" | head -n 1)
say "master at $url"

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --port 0 --webui-port 0 --cores 2 --memory 2g "$url" \
    > "$work/worker.log" 2>&1 &
pids+=($!)
wait_for "$work/worker.log" "Successfully registered with master" worker "${pids[1]}"
say "one worker registered (2 cores, 2 GiB)"

say "generating $events SYNTHETIC GDELT-style events (Parquet)"
"$py" "$root/benchmarks/gdelt.py" --events "$events" "$work/gdelt.parquet" 2> "$work/gdelt.err"

run() {  # $1 name, then the eval's arguments
    local name=$1; shift
    local t0=$SECONDS
    timeout "$limit" "$py" -m barometer eval "$@" --format json > "$work/$name.json" \
        2> "$work/$name.err" || {
        echo "barometer eval $* failed" >&2; cat "$work/$name.err"; return 1; }
    say "$name: $((SECONDS - t0)) s"
}

compare() {  # $1 what, then JSON files: all equal
    "$py" - "$@" <<'PY'
import json, sys
what, first, *rest = sys.argv[1:]
want = json.load(open(first))
for other in rest:
    got = json.load(open(other))
    assert got == want, f"{what}: {other} differs from {first}"
figures = {k: (v["aggregate"], v["positive"], v["negative"], v["events"])
           for k, v in want["indices"].items()}
print(f"  {what}: {len(rest) + 1} engines, identical JSON; {figures}")
PY
}

cd "$root"
csv=examples/minsk-barometer-19.csv
rules=rules/minsk-barometer.rules
run no19-cluster "$rules" "$csv" --engine spark --spark-master "$url"
run no19-python "$rules" "$csv" --engine python
run no19-duckdb "$rules" "$csv" --engine duckdb
compare "No 19 (CSV)" "$work/no19-python.json" "$work/no19-duckdb.json" "$work/no19-cluster.json"
"$py" - "$work/no19-cluster.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["indices"]
want = {"russia": (20, 22, -2), "eu": (-1, 11, -12), "china": (8, 8, 0), "us": (-18, 4, -22),
        "ukraine": (-13, 12, -25), "national_security": (4, 11, -7),
        "regional_tension": (-7, 6, -13)}
bad = {k: got[k] for k, v in want.items()
       if (got[k]["aggregate"], got[k]["positive"], got[k]["negative"]) != v}
assert not bad and got["regional_tension"]["colour"] == "yellow", bad
print("  No 19's published figures, from the cluster")
PY

gdelt=rules/gdelt/gdelt-style.rules
run gdelt-cluster "$gdelt" "$work/gdelt.parquet" --engine spark --spark-master "$url"
run gdelt-python "$gdelt" "$work/gdelt.parquet" --engine python
run gdelt-duckdb "$gdelt" "$work/gdelt.parquet" --engine duckdb
# and every signature scored on the worker's executor, not on the driver (engine/executors.py
# does so above 100,000 distinct signatures; here above none)
BAROMETER_SPARK_EXECUTORS_ABOVE=0 run gdelt-executors "$gdelt" "$work/gdelt.parquet" \
    --engine spark --spark-master "$url"
compare "$events GDELT-style events (Parquet)" "$work/gdelt-python.json" \
    "$work/gdelt-duckdb.json" "$work/gdelt-cluster.json" "$work/gdelt-executors.json"

# the cluster really ran them: the master saw the application, and an executor ran on the worker
grep -q "Registering app barometer" "$work/master.log" ||
    { echo "the master ran no application" >&2; exit 1; }
grep -Eq "Asked to launch executor|Launching executor" "$work/worker.log" ||
    { echo "the worker ran no executor" >&2; exit 1; }
say "the master registered barometer's application and the worker launched its executor"
ok=1
say "passed"
