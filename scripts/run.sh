#!/usr/bin/env bash
# The main job on the embedded default store: set up, check the bundled graph, summarise it,
# then serve the SPARQL endpoint and linked-data site on http://127.0.0.1:8000/ (Ctrl-C stops).
# Set KGRAPH_NO_SERVE=1 to stop after the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kgraph validate
.venv/bin/kgraph stats
if [ "${KGRAPH_NO_SERVE:-0}" != 1 ] && .venv/bin/python -c 'import kgraph.cli.serve' 2>/dev/null; then
  exec .venv/bin/kgraph serve "$@"
fi
