#!/usr/bin/env bash
# local-standalone-cluster.sh: a real Spark standalone cluster on this machine (127.0.0.1), one
# master and N workers, each its own JVM, started from the project's Maven-resolved Spark jars
# (target/spark-home/jars); no Spark download or installation is needed.
#
#   submit-scripts/local-standalone-cluster.sh start    start the master and the workers, wait until
#                                                        every worker has registered
#   submit-scripts/local-standalone-cluster.sh stop     stop them (SIGTERM, then SIGKILL after 10 s)
#   submit-scripts/local-standalone-cluster.sh status   print what runs; exit 0 only when the master
#                                                        and every worker are up and registered
#
# Then submit to it, e.g.:
#   submit-scripts/mine-submit --master spark://127.0.0.1:7077 demo
#
# Environment (defaults in brackets):
#   MINE_MASTER_PORT [7077]   MINE_MASTER_WEBUI_PORT [8080]   MINE_WORKERS [2]
#   MINE_WORKER_CORES [1]     MINE_WORKER_MEMORY [2g]         MINE_WORKER_WEBUI_PORT [8081] (+1 per worker)
#   MINE_CLUSTER_DIR [target/standalone]: pid files, logs and the workers' work directories
#   JAVA_HOME: the JDK to run, default java on PATH
#
# Executors are launched by the workers with SPARK_HOME=target/spark-home, so they use the same
# Spark jars as the driver; Spark adds the Java 17 module options to executor JVMs itself.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
SPARK_JARS="$ROOT/target/spark-home/jars"
DIR="${MINE_CLUSTER_DIR:-$ROOT/target/standalone}"
HOST=127.0.0.1
MASTER_PORT="${MINE_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${MINE_MASTER_WEBUI_PORT:-8080}"
WORKERS="${MINE_WORKERS:-2}"
WORKER_CORES="${MINE_WORKER_CORES:-1}"
WORKER_MEMORY="${MINE_WORKER_MEMORY:-2g}"
WORKER_WEBUI_PORT="${MINE_WORKER_WEBUI_PORT:-8081}"
MASTER_URL="spark://$HOST:$MASTER_PORT"

die() { echo "local-standalone-cluster: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

[[ "$WORKERS" =~ ^[1-9][0-9]*$ ]] || die "MINE_WORKERS must be a positive integer, got '$WORKERS'"
[[ "$WORKER_CORES" =~ ^[1-9][0-9]*$ ]] || die "MINE_WORKER_CORES must be a positive integer, got '$WORKER_CORES'"

java_bin="java"
[[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# registered workers in state ALIVE, from the master's JSON endpoint
alive_workers() {
  local json
  json="$(curl -fsS "http://$HOST:$MASTER_WEBUI_PORT/json/" 2>/dev/null)" || { echo 0; return; }
  grep -o '"state" *: *"ALIVE"' <<<"$json" | wc -l | tr -d ' '
}

ensure_jars() {
  if [[ ! -d "$SPARK_JARS" ]] || ! compgen -G "$SPARK_JARS/spark-core_*.jar" >/dev/null; then
    command -v mvn >/dev/null || die "$SPARK_JARS is missing and mvn is not installed"
    echo "local-standalone-cluster: copying the Spark jars to $SPARK_JARS (mvn dependency:copy-dependencies)" >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never dependency:copy-dependencies@spark-home-jars) >&2
  fi
}

module_flags() {
  local f
  f="$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' "$ROOT/pom.xml")"
  [[ -n "$f" ]] || die "cannot read <spark.jvm.flags> from $ROOT/pom.xml"
  echo "$f"
}

# start_daemon NAME CLASS ARGS...: runs a Spark daemon in the background, pid in $DIR/NAME.pid
start_daemon() {
  local name="$1"; shift
  local cls="$1"; shift
  local pidf="$DIR/$name.pid" logf="$DIR/$name.log"
  if alive "$pidf"; then
    echo "$name already running (pid $(cat "$pidf"))"
    return
  fi
  # shellcheck disable=SC2046  # module flags are a list of JVM flags without spaces inside
  SPARK_HOME="$ROOT/target/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=$HOST \
    OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" \
    nohup "$java_bin" $(module_flags) -Xmx1g -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="file:$ROOT/conf/log4j2.properties" \
      -cp "$SPARK_JARS/*" "$cls" "$@" >"$logf" 2>&1 </dev/null &
  echo $! >"$pidf"
  echo "$name started (pid $!, log $logf)"
}

start() {
  command -v curl >/dev/null || die "curl is needed to check that the workers registered"
  ensure_jars
  mkdir -p "$DIR"
  start_daemon master org.apache.spark.deploy.master.Master \
    --host "$HOST" --port "$MASTER_PORT" --webui-port "$MASTER_WEBUI_PORT"
  # wait for the master's web UI before starting workers
  for _ in $(seq 1 60); do
    curl -fsS "http://$HOST:$MASTER_WEBUI_PORT/json/" >/dev/null 2>&1 && break
    alive "$DIR/master.pid" || die "the master exited; see $DIR/master.log"
    sleep 1
  done
  curl -fsS "http://$HOST:$MASTER_WEBUI_PORT/json/" >/dev/null 2>&1 \
    || die "the master did not answer on http://$HOST:$MASTER_WEBUI_PORT within 60 s; see $DIR/master.log"
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$DIR/work-$i"
    start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker \
      --host "$HOST" --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" \
      --webui-port $((WORKER_WEBUI_PORT + i - 1)) --work-dir "$DIR/work-$i" "$MASTER_URL"
  done
  for _ in $(seq 1 60); do
    [[ "$(alive_workers)" -ge "$WORKERS" ]] && break
    sleep 1
  done
  local n
  n="$(alive_workers)"
  [[ "$n" -ge "$WORKERS" ]] || die "only $n of $WORKERS workers registered with $MASTER_URL within 60 s; see $DIR/worker-*.log"
  echo "cluster up: $MASTER_URL (web UI http://$HOST:$MASTER_WEBUI_PORT), $n workers x $WORKER_CORES core(s), $WORKER_MEMORY each"
}

stop_one() {
  local name="$1" pidf="$DIR/$1.pid"
  if ! alive "$pidf"; then
    rm -f "$pidf"
    return
  fi
  local pid
  pid="$(cat "$pidf")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
  echo "$name stopped"
}

stop() {
  local f
  for f in "$DIR"/worker-*.pid; do
    [[ -e "$f" ]] || continue
    stop_one "$(basename "$f" .pid)"
  done
  stop_one master
}

status() {
  local ok=0 f
  if alive "$DIR/master.pid"; then
    echo "master: running (pid $(cat "$DIR/master.pid")), $MASTER_URL"
  else
    echo "master: not running"
    ok=1
  fi
  for i in $(seq 1 "$WORKERS"); do
    f="$DIR/worker-$i.pid"
    if alive "$f"; then
      echo "worker-$i: running (pid $(cat "$f"))"
    else
      echo "worker-$i: not running"
      ok=1
    fi
  done
  if [[ $ok == 0 ]]; then
    local n
    n="$(alive_workers)"
    echo "registered workers: $n of $WORKERS"
    [[ "$n" -ge "$WORKERS" ]] || ok=1
  fi
  return $ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) echo "local-standalone-cluster: error: expected start, stop or status, got '${1:-}'" >&2; usage >&2; exit 2 ;;
esac
