#!/usr/bin/env bash
# feature-table-quality.sh: the issue-17 quality measurement of `pairs` on generated feature tables.
#
#   submit-scripts/feature-table-quality.sh COLUMNS ROWS SEED [SEED ...]
#
# For each seed: `generate --task feature-table --columns COLUMNS --rows ROWS --seed SEED` (5 % scattered
# nulls, ID and constant columns, planted pairs with known MI), then `pairs` over every column at default
# flags, then one line: wall seconds, pairs, trained, the planted pairs with MI >= 0.05 nats found
# `dependent` (recall), the false discoveries among the `dependent` pairs (FDR), and whether every ID and
# constant column was reported (and the pairs JVM's peak resident memory, with GNU time).
# Work goes to ${WORK:-/tmp/mine-ftq}. Environment: MASTER (default local[2]), EXTRA (more pairs flags).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
[[ $# -ge 3 ]] || { echo "usage: $0 COLUMNS ROWS SEED [SEED ...]" >&2; exit 2; }
cols=$1 rows=$2; shift 2
work="${WORK:-/tmp/mine-ftq}"
mkdir -p "$work"
# shellcheck disable=SC2206
extra=(${EXTRA:-})
for seed in "$@"; do
  table="$work/table-$cols-$rows-$seed" out="$work/out-$cols-$rows-$seed"
  rm -rf "$table" "$out"
  "$ROOT/submit-scripts/mine-submit" --master "${MASTER:-local[2]}" generate --task feature-table \
    --columns "$cols" --rows "$rows" --seed "$seed" --out "$table" >&2
  names=$(python3 -c 'import json,sys; print(",".join(c["name"] for c in json.load(open(sys.argv[1]))["columns"]))' "$table/_truth.json")
  # the pairs JVM's peak resident memory, when GNU time is there
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f %M -o "$out.rss")
  t0=$(date +%s.%N)
  "${timer[@]+"${timer[@]}"}" "$ROOT/submit-scripts/mine-submit" --master "${MASTER:-local[2]}" pairs --input "$table" --columns "$names" \
    --out "$out" --run-date 2026-12-07 "${extra[@]+"${extra[@]}"}" > "$out.log" 2>&1 || { echo "seed $seed: pairs failed, see $out.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  rss=$(cat "$out.rss" 2>/dev/null || echo 0)
  python3 - "$table/_truth.json" "$out/reports/run_date=2026-12-07/pairs.csv" "$seed" "$t0" "$t1" "$rss" <<'PY'
import csv, json, sys
truth = json.load(open(sys.argv[1])); rows = list(csv.DictReader(open(sys.argv[2])))
key = lambda a, b: tuple(sorted((a, b)))
planted = {key(p["x"], p["y"]): p["mi_nats"] for p in truth["planted"]}
strong = {k for k, v in planted.items() if v >= 0.05}
dep = {key(r["x"], r["y"]) for r in rows if r["dependent"] == "true"}
trained = sum(1 for r in rows if r["status"] not in ("screened", "skipped", "constant"))
found = len(strong & dep); false = len(dep - set(planted))
skipped = {r["x"] for r in rows if r["status"] == "skipped"} | {r["y"] for r in rows if r["status"] == "skipped"}
flagged = set(truth["id_columns"]) | set(truth["constant_columns"])
const_ok = all(any(r["status"] == "constant" and c in (r["x"], r["y"]) for r in rows) for c in truth["constant_columns"])
ids_ok = all(c in skipped for c in truth["id_columns"])
print(f"seed {sys.argv[3]}: {float(sys.argv[5]) - float(sys.argv[4]):.0f} s, {len(rows)} pairs, {trained} trained, "
      f"recall {found}/{len(strong)}, dependent {len(dep)} of which false {false} (FDR {false / max(1, len(dep)):.3f}), "
      f"ID columns skipped: {ids_ok}, constant columns reported: {const_ok}"
      + (f", peak RSS {int(sys.argv[6]) / 1024:.0f} MiB" if int(sys.argv[6]) > 0 else ""))
PY
done
