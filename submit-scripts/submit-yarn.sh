#!/usr/bin/env bash
# submit-yarn.sh: example of a mine-spark estimate on YARN (Hadoop).
#
#   HADOOP_CONF_DIR=/etc/hadoop/conf SPARK_HOME=/opt/spark submit-scripts/submit-yarn.sh \
#       --input hdfs:///warehouse/features.parquet --x f1,f2 --y target --out hdfs:///mi/run-1
#
# Arguments are passed to `mine-spark estimate` (see docs/cli.md). Needs a Spark 4.x (Scala 2.13)
# installation in SPARK_HOME built with YARN support, and HADOOP_CONF_DIR (or YARN_CONF_DIR).
# Environment (defaults):
#   DEPLOY_MODE       cluster (the driver runs in the YARN application master; use client to keep
#                     it on this machine and see progress on the console)
#   QUEUE             default          NUM_EXECUTORS 4        EXECUTOR_CORES 4
#   EXECUTOR_MEMORY   4g               DRIVER_MEMORY 4g
#   PROPERTIES        conf/spark-defaults.conf (Spark properties file)
# Synchronous training needs all training tasks at once: executors are fixed (no dynamic
# allocation) and the training partitions default to NUM_EXECUTORS x EXECUTOR_CORES.
# Results: with --out on HDFS the job writes result.json etc. there; the exit code is the job's.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
[[ -n "${SPARK_HOME:-}" ]] || { echo "submit-yarn: error: set SPARK_HOME to a Spark 4.x installation with YARN support" >&2; exit 2; }
[[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]] || {
  echo "submit-yarn: error: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's Hadoop configuration" >&2; exit 2; }
exec "$ROOT/submit-scripts/mine-submit" --master yarn --deploy-mode "${DEPLOY_MODE:-cluster}" \
  --queue "${QUEUE:-default}" --properties-file "${PROPERTIES:-$ROOT/conf/spark-defaults.conf}" \
  --num-executors "${NUM_EXECUTORS:-4}" --executor-cores "${EXECUTOR_CORES:-4}" \
  --executor-memory "${EXECUTOR_MEMORY:-4g}" --driver-memory "${DRIVER_MEMORY:-4g}" \
  --conf spark.dynamicAllocation.enabled=false \
  --conf "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1" \
  estimate "$@"
