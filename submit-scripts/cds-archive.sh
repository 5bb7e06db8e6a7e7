#!/usr/bin/env bash
# cds-archive.sh: writes target/mine-spark.jsa, a class-data-sharing archive of the JDK, Spark,
# Scala and Hadoop classes that a mine-spark run loads (JDK 17 dynamic CDS, JEP 350). mine-submit
# maps it at start-up instead of loading and verifying those classes from ~300 jars again: the JVM
# and the Spark session are ready about 3 s sooner (docs/benchmarks.md, "Issue 16: a batch cap of
# 2048 for narrow inputs and class-data sharing").
#
# Called by the build (pom.xml, execution cds-archive, phase package; -Dmine.cds.skip=true skips
# it): one short training run (`demo` on 4000 rows, 40 steps, local[2]) under
# -XX:ArchiveClassesAtExit, then target/mine-spark.jsa and target/mine-spark.jsa.jvm (the java
# binary that wrote it; mine-submit uses the archive only with that same binary). The archive is an
# optimisation: when the run fails, this script says so and exits 0, and mine-submit runs without it.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
out="$ROOT/target/mine-spark.jsa"
work="$ROOT/target/cds-training"
java_bin="java"
[[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"

rm -rf "$out" "$out.jvm" "$out.tmp" "$work" "$work.log"
mkdir -p "$ROOT/target"
start=$(date +%s)
# at most 5 minutes (about 40 s on 2 cores): a stuck run must not hold up the build
if MINE_CDS_DUMP="$out.tmp" MINE_NO_REBUILD=1 SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" \
     timeout 300 "$SCRIPT_DIR/mine-submit" --master 'local[2]' demo --rows 4000 --steps 40 --out "$work" >"$work.log" 2>&1 \
   && [[ -s "$out.tmp" ]]; then
  mv "$out.tmp" "$out"
  readlink -f "$(command -v "$java_bin")" > "$out.jvm"
  echo "cds-archive: wrote $out ($(( $(stat -c %s "$out") / 1048576 )) MiB, $(( $(date +%s) - start )) s)"
  rm -rf "$work" "$work.log"
else
  rm -f "$out.tmp"
  echo "cds-archive: warning: no class-data archive written (see $work.log); mine-submit starts without it"
fi
exit 0
