#!/usr/bin/env bash
# The main job: builds aio and runs its rule tests against both backends (the real kernel
# with epoll, poll and select, and the simulator), then writes reports/:
#   reports/junit.xml     every test, for CI
#   reports/rules.md      each catalogue rule ID the tests cite, with its result per backend
# Until the YAML scenario harness lands, the rule tests are the conformance suite.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"
mkdir -p reports
status=0
ctest --preset default -j "$(nproc)" --output-junit "$PWD/reports/junit.xml" || status=$?
python3 scripts/rule_report.py reports/junit.xml conformance/spec/asyncio-rules.md > reports/rules.md
echo "wrote reports/junit.xml and reports/rules.md"
exit "$status"
