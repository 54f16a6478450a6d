#!/usr/bin/env bash
# IHM (48 h in-hospital mortality) with Meta-Llama-3-8B QLoRA, as config/ihm.yaml sets it up.
# Usage: scripts/run_ihm.sh [--set data.root=/path/to/ihm] [--set model.path=/path/to/Meta-Llama-3-8B-Instruct] [...]
# GPU users build with -p:TorchCuda=true (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/LLM4EHR.Cli -c Release -- train --config config/ihm.yaml "$@"
