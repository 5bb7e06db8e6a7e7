#!/usr/bin/env bash
# submit-standalone.sh: example of a mine-spark estimate on a Spark standalone cluster.
#
#   MASTER=spark://master-host:7077 submit-scripts/submit-standalone.sh \
#       --input hdfs:///warehouse/features.parquet --x f1,f2 --y target --out hdfs:///mi/run-1
#
# Arguments are passed to `mine-spark estimate` (see docs/cli.md). Environment (defaults):
#   MASTER            spark://127.0.0.1:7077 (the cluster of local-standalone-cluster.sh)
#   EXECUTOR_MEMORY, EXECUTOR_CORES, TOTAL_CORES, DRIVER_MEMORY: passed on when set (else Spark's
#                     and the properties file's values)
#   DEPLOY_MODE       client  (cluster mode needs the jar at a URL every node can read: JAR_URL)
#   SPARK_HOME        optional: use its spark-submit; unset, mine-submit runs Spark's SparkSubmit
#                     from the project's Maven-resolved jars
#   PROPERTIES        a Spark properties file, e.g. conf/spark-defaults.conf (none by default:
#                     its 4-core, 4g executors do not fit the local test cluster's workers)
# The training uses one task per executor core; keep all training tasks running at once (no
# dynamic allocation, see conf/spark-defaults.conf). Exit code: the job's (see docs/cli.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
MASTER="${MASTER:-spark://127.0.0.1:7077}"
DEPLOY_MODE="${DEPLOY_MODE:-client}"
args=(--master "$MASTER" --deploy-mode "$DEPLOY_MODE")
[[ -n "${PROPERTIES:-}" ]] && args+=(--properties-file "$PROPERTIES")
[[ -n "${EXECUTOR_MEMORY:-}" ]] && args+=(--executor-memory "$EXECUTOR_MEMORY")
[[ -n "${EXECUTOR_CORES:-}" ]] && args+=(--executor-cores "$EXECUTOR_CORES")
[[ -n "${TOTAL_CORES:-}" ]] && args+=(--total-executor-cores "$TOTAL_CORES")
[[ -n "${DRIVER_MEMORY:-}" ]] && args+=(--driver-memory "$DRIVER_MEMORY")
if [[ "$DEPLOY_MODE" == cluster ]]; then
  [[ -n "${SPARK_HOME:-}" && -n "${JAR_URL:-}" ]] || {
    echo "submit-standalone: error: DEPLOY_MODE=cluster needs SPARK_HOME (a Spark 4.x install) and JAR_URL" \
         "(the mine-spark jar at an hdfs:// or http:// URL the workers can read)" >&2; exit 2; }
  exec "$SPARK_HOME/bin/spark-submit" "${args[@]}" --class org.minespark.job.Main "$JAR_URL" estimate "$@"
fi
exec "$ROOT/submit-scripts/mine-submit" "${args[@]}" estimate "$@"
