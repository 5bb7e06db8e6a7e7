#!/usr/bin/env bash
# nightly-feature-deps.sh: a cron-ready example of the nightly feature-dependency job (`pairs`).
#
# Every night it estimates how strongly each feature depends on the target(s), appends the run to
# a results table partitioned by run_date (re-running a date replaces only that date), and writes
# reports/run_date=D/{pairs.csv,pairs.json,pairs.png,drift.csv,alerts.json,report.html}: drift.csv
# lists the pairs whose estimate moved beyond both intervals since the baseline, alerts.json the
# alert rules that fired. report.html opens in any browser with no network.
#
# crontab example (02:30 every night; logs kept per day):
#   30 2 * * * cd /opt/mine-spark && INPUT=hdfs:///warehouse/features FEATURES=f1,f2,f3 TARGET=churned \
#       OUT=hdfs:///mi/feature-deps MASTER=yarn submit-scripts/nightly-feature-deps.sh \
#       >> /var/log/mine-spark/deps-$(date -u +\%F).log 2>&1
#
# Environment (required: INPUT or TABLE, FEATURES, OUT; not COLUMNS/GROUPS, which bash itself uses):
#   INPUT      the Parquet table of features         FEATURES    feature columns (or group names), comma-separated
#   TABLE      or: a table of the Spark catalog      RESULTS_TABLE  optional catalog table the results are added to
#   ALERTS     alert rules file (HOCON, docs/cli.md) BASELINE    previous (default), rolling:N or date:YYYY-MM-DD
#   SEGMENT_BY optional column: one analysis per top value (SEGMENTS, default 5, plus "other")
#   TARGET     target column(s); unset = all pairs   GROUPS_FILE optional groups file (see docs/cli.md)
#   OUT        the results directory (accumulates runs)
#   RUN_DATE   default: today (UTC), YYYY-MM-DD      MASTER    default local[*]
#   EXTRA      extra job flags, e.g. "--steps 2000 --seed 7"
#   SPARK_ARGS extra spark-submit options, e.g. "--executor-memory 8g --num-executors 4"
# Exit code: the job's (0 ok, 10 ran and wrote everything but alerts fired, 2 bad parameter, 3 bad
# input, 4 output problem, 5 training failed, 1 other failure), so a scheduler can tell "look at the
# report" (10) from a data problem (3) and from an infrastructure one (1). A failed run leaves the
# table as it was. Airflow: see docs/cli.md, "Nightly operations".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
for v in FEATURES OUT; do
  [[ -n "${!v:-}" ]] || { echo "nightly-feature-deps: error: set $v (see the header of $0)" >&2; exit 2; }
done
[[ -n "${INPUT:-}" || -n "${TABLE:-}" ]] || { echo "nightly-feature-deps: error: set INPUT or TABLE (see the header of $0)" >&2; exit 2; }
RUN_DATE="${RUN_DATE:-$(date -u +%F)}"
[[ "$RUN_DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "nightly-feature-deps: error: RUN_DATE must be YYYY-MM-DD, got '$RUN_DATE'" >&2; exit 2; }
args=(pairs --columns "$FEATURES" --out "$OUT" --run-date "$RUN_DATE")
if [[ -n "${TABLE:-}" ]]; then args+=(--table "$TABLE"); else args+=(--input "$INPUT"); fi
[[ -n "${RESULTS_TABLE:-}" ]] && args+=(--results-table "$RESULTS_TABLE")
[[ -n "${ALERTS:-}" ]] && args+=(--alerts "$ALERTS")
[[ -n "${BASELINE:-}" ]] && args+=(--baseline "$BASELINE")
[[ -n "${SEGMENT_BY:-}" ]] && args+=(--segment-by "$SEGMENT_BY" --segments "${SEGMENTS:-5}")
[[ -n "${TARGET:-}" ]] && args+=(--target "$TARGET")
[[ -n "${GROUPS_FILE:-}" ]] && args+=(--groups "$GROUPS_FILE")
# shellcheck disable=SC2206  # EXTRA and SPARK_ARGS are word lists on purpose
extra=(${EXTRA:-})
# shellcheck disable=SC2206
spark_args=(${SPARK_ARGS:-})
echo "nightly-feature-deps: run date $RUN_DATE, input ${TABLE:-${INPUT:-}}, out $OUT ($(date -u +%FT%TZ))" >&2
set +e
"$ROOT/submit-scripts/mine-submit" --master "${MASTER:-local[*]}" "${spark_args[@]+"${spark_args[@]}"}" \
  "${args[@]}" "${extra[@]+"${extra[@]}"}"
rc=$?
set -e
case $rc in
  0) what="ok, no alert" ;;
  10) what="ok, ALERTS FIRED: see $OUT/reports/run_date=$RUN_DATE/alerts.json and report.html" ;;
  *) what="failed (docs/errors.md lists the codes)" ;;
esac
echo "nightly-feature-deps: finished with exit code $rc: $what ($(date -u +%FT%TZ))" >&2
exit $rc
