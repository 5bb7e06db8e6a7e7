#!/usr/bin/env bash
# submit-k8s.sh: example of a mine-spark estimate on Kubernetes.
#
#   K8S_MASTER=k8s://https://api.cluster:6443 IMAGE=registry/mine-spark:1.0 SPARK_HOME=/opt/spark \
#       submit-scripts/submit-k8s.sh --input s3a://bucket/features.parquet --x f1,f2 --y target \
#       --out s3a://bucket/mi/run-1
#
# Arguments are passed to `mine-spark estimate` (see docs/cli.md). Needs a Spark 4.x (Scala 2.13)
# installation in SPARK_HOME and a container IMAGE built from Spark's Dockerfile
# (bin/docker-image-tool.sh) with target/mine-spark.jar copied to /opt/mine-spark/mine-spark.jar.
# Environment (defaults):
#   K8S_MASTER        (required) k8s://https://<api-server>:<port>
#   IMAGE             (required) the container image
#   NAMESPACE         default      SERVICE_ACCOUNT spark (needs rights to create executor pods)
#   NUM_EXECUTORS     4            EXECUTOR_CORES 4        EXECUTOR_MEMORY 4g   DRIVER_MEMORY 4g
#   JAR               local:///opt/mine-spark/mine-spark.jar (path inside the image)
#   PROPERTIES        conf/spark-defaults.conf
# Input and output must be on storage every pod can reach (S3, HDFS, GCS, a shared volume).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
[[ -n "${SPARK_HOME:-}" ]] || { echo "submit-k8s: error: set SPARK_HOME to a Spark 4.x installation" >&2; exit 2; }
[[ -n "${K8S_MASTER:-}" ]] || { echo "submit-k8s: error: set K8S_MASTER, e.g. k8s://https://api.cluster:6443" >&2; exit 2; }
[[ -n "${IMAGE:-}" ]] || { echo "submit-k8s: error: set IMAGE to a Spark image containing the mine-spark jar" >&2; exit 2; }
exec "$SPARK_HOME/bin/spark-submit" --master "$K8S_MASTER" --deploy-mode cluster \
  --name mine-spark-estimate --class org.minespark.job.Main \
  --properties-file "${PROPERTIES:-$ROOT/conf/spark-defaults.conf}" \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf "spark.kubernetes.namespace=${NAMESPACE:-default}" \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${SERVICE_ACCOUNT:-spark}" \
  --conf "spark.executor.instances=${NUM_EXECUTORS:-4}" \
  --conf "spark.executor.cores=${EXECUTOR_CORES:-4}" \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \
  --executor-memory "${EXECUTOR_MEMORY:-4g}" --driver-memory "${DRIVER_MEMORY:-4g}" \
  "${JAR:-local:///opt/mine-spark/mine-spark.jar}" estimate "$@"
