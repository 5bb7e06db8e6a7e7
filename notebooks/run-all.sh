#!/usr/bin/env bash
# Executes every notebook in this folder headlessly (jupyter nbconvert --execute) and fails on the
# first cell error. Executed copies go to target/notebooks/executed/; the notebooks' own outputs
# (data, results, plots) to target/notebooks/<name>/ ($MINE_NB_OUT overrides, per notebook).
#
# Needs: jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas python3-matplotlib
# (Debian packages; .ci/run installs them), plus what mine-submit needs (Java 17+, Maven).
#   notebooks/run-all.sh                 all notebooks
#   notebooks/run-all.sh 01-quickstart   the named ones
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
command -v jupyter-nbconvert >/dev/null || command -v jupyter >/dev/null || {
  echo "run-all: error: jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient" \
       "python3-ipykernel python3-pandas python3-matplotlib)" >&2; exit 2; }
out="$ROOT/target/notebooks/executed"
mkdir -p "$out"
if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  shopt -s nullglob
  for f in "$HERE"/[0-9]*.ipynb; do names+=("$(basename "$f" .ipynb)"); done
  [[ ${#names[@]} -gt 0 ]] || { echo "run-all: error: no notebooks in $HERE" >&2; exit 2; }
fi
for n in "${names[@]}"; do
  nb="$HERE/${n%.ipynb}.ipynb"
  [[ -f "$nb" ]] || { echo "run-all: error: no notebook $nb" >&2; exit 2; }
  echo "run-all: executing $(basename "$nb")" >&2
  start=$(date +%s)
  (cd "$HERE" && jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1200 \
      --ExecutePreprocessor.kernel_name=python3 --output-dir "$out" "$nb")
  echo "run-all: $(basename "$nb") ok in $(( $(date +%s) - start )) s" >&2
done
