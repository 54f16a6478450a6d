#!/usr/bin/env bash
# The embedded demo: synthetic cohort + tiny random Llama on CPU (created on first use), IHM by default.
# Usage: scripts/run_demo.sh [ihm|pheno] [extra train options]
set -euo pipefail
cd "$(dirname "$0")/.."
task="${1:-ihm}"; shift || true
exec dotnet run --project src/LLM4EHR.Cli -c Release -- train --config "config/demo-${task}.yaml" "$@"
