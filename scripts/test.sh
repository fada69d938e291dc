#!/usr/bin/env bash
# The whole test suite, set-up included: lint, types, then every test (slow, remote-server
# and browser tests too). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
.venv/bin/ruff check kgraph tests bench
.venv/bin/mypy
mkdir -p test-output
.venv/bin/python -m pytest -p no:cacheprovider "$@"
