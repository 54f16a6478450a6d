#!/usr/bin/env bash
# Pheno (24 h phenotyping, 25 labels) with Meta-Llama-3-8B QLoRA, as config/pheno.yaml sets it up.
# Usage: scripts/run_pheno.sh [--set data.root=/path/to/pheno] [--set model.path=...] [...]
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/LLM4EHR.Cli -c Release -- train --config config/pheno.yaml "$@"
