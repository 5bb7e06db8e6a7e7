#!/usr/bin/env bash
# nightly-feature-deps.sh: a cron-ready example of the nightly feature-dependency job (`pairs`).
#
# Every night it estimates how strongly each feature depends on the target(s), appends the run to
# a results table partitioned by run_date (re-running a date replaces only that date), and writes
# reports/run_date=D/{pairs.csv,pairs.json,pairs.png,drift.csv}: drift.csv lists the pairs whose
# estimate moved beyond both runs' confidence intervals since the previous run date.
#
# crontab example (02:30 every night; logs kept per day):
#   30 2 * * * cd /opt/mine-spark && INPUT=hdfs:///warehouse/features FEATURES=f1,f2,f3 TARGET=churned \
#       OUT=hdfs:///mi/feature-deps MASTER=yarn submit-scripts/nightly-feature-deps.sh \
#       >> /var/log/mine-spark/deps-$(date -u +\%F).log 2>&1
#
# Environment (required: INPUT, FEATURES, OUT; not COLUMNS/GROUPS, which bash itself uses):
#   INPUT      the Parquet table of features         FEATURES    feature columns (or group names), comma-separated
#   TARGET     target column(s); unset = all pairs   GROUPS_FILE optional groups file (see docs/cli.md)
#   OUT        the results directory (accumulates runs)
#   RUN_DATE   default: today (UTC), YYYY-MM-DD      MASTER    default local[*]
#   EXTRA      extra job flags, e.g. "--steps 2000 --seed 7"
#   SPARK_ARGS extra spark-submit options, e.g. "--executor-memory 8g --num-executors 4"
# Exit code: the job's (0 ok, 2 bad parameter, 3 bad input, 4 output problem, 5 training failed), so
# cron/alerting can tell a data problem from an infrastructure one. A failed run leaves the table as
# it was.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
for v in INPUT FEATURES OUT; do
  [[ -n "${!v:-}" ]] || { echo "nightly-feature-deps: error: set $v (see the header of $0)" >&2; exit 2; }
done
RUN_DATE="${RUN_DATE:-$(date -u +%F)}"
[[ "$RUN_DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "nightly-feature-deps: error: RUN_DATE must be YYYY-MM-DD, got '$RUN_DATE'" >&2; exit 2; }
args=(pairs --input "$INPUT" --columns "$FEATURES" --out "$OUT" --run-date "$RUN_DATE")
[[ -n "${TARGET:-}" ]] && args+=(--target "$TARGET")
[[ -n "${GROUPS_FILE:-}" ]] && args+=(--groups "$GROUPS_FILE")
# shellcheck disable=SC2206  # EXTRA and SPARK_ARGS are word lists on purpose
extra=(${EXTRA:-})
# shellcheck disable=SC2206
spark_args=(${SPARK_ARGS:-})
echo "nightly-feature-deps: run date $RUN_DATE, input $INPUT, out $OUT ($(date -u +%FT%TZ))" >&2
set +e
"$ROOT/submit-scripts/mine-submit" --master "${MASTER:-local[*]}" "${spark_args[@]+"${spark_args[@]}"}" \
  "${args[@]}" "${extra[@]+"${extra[@]}"}"
rc=$?
set -e
echo "nightly-feature-deps: finished with exit code $rc ($(date -u +%FT%TZ))" >&2
exit $rc
