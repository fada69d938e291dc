#!/usr/bin/env bash
# The whole test suite, set-up included: lint (ruff), types (mypy --strict), then every test
# (slow, remote-server and browser tests too). Every step runs even when an earlier one fails,
# so one run shows every problem; the exit status is non-zero if any step failed.
# Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser || exit 1
status=0
echo "== ruff"; .venv/bin/ruff check kgraph tests bench || status=1
echo "== mypy"; .venv/bin/mypy || status=1
mkdir -p test-output
echo "== pytest"; .venv/bin/python -m pytest -p no:cacheprovider "$@" || status=1
exit $status
