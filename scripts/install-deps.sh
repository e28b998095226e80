#!/usr/bin/env bash
# Installs the Debian 12 packages cvm needs (as root; uses sudo otherwise). Idempotent:
# packages already present are not fetched again.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config   # g++ brings OpenMP (libgomp), which LibTorch's parallel loops need
  antlr4 libantlr4-runtime-dev           # grammar -> parser at build time, and its runtime
  libtorch-dev                           # the interpreter's tensors
  libhdf5-dev hdf5-tools                 # data and parameter files (hdf5-tools: h5dump in tests)
  libzip-dev                             # convis's .npz parameter files (zip archives of .npy)
  libboost-program-options-dev           # the cvm command line
  libssl-dev                             # SHA-256 of model sources in outputs (provenance)
  libcairo2-dev fonts-dejavu-core        # plots: PNG and SVG from one drawing, with a font
  libedit-dev                            # the REPL's line editing and history (BSD licence)
  libtinyxml2-dev                        # cvm import: VirtualRetina's XML configurations (zlib licence)
  catch2                                 # unit tests
  python3                                # tests: a pseudo-terminal driver, JSON checks
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
