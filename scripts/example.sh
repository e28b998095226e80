#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main example: the LN model of
# examples/ln.cvm on a drifting grating, written to ln_output.h5.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/cli/cvm run examples/ln.cvm \
  --stimulus 'moving_grating(t = 2000, x = 50, y = 50)' --output ln_output.h5
