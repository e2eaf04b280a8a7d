#!/usr/bin/env bash
# Installs nvcc (CUDA 13.5, from PyPI) into .cache/cuda (gitignored), where `zig build -Dcuda=auto` looks
# for it. Idempotent: with everything present it only prints the version. Needs no GPU.
#   bash scripts/setup-cuda.sh [--target DIR]
# Why 13.x: PyPI's CUDA 12 nvcc wheels carry ptxas but not the nvcc driver. CUDA 13 compiles for sm_75 and
# newer only, so the embedded image covers sm_75 (Turing) onward; see build/cuda.zig.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/.cache/cuda"
if [[ "${1:-}" == "--target" ]]; then
  target="$(realpath -m "${2:?--target needs a directory}")"
fi

version="13.5.37"
nvcc="$target/nvidia/cu13/bin/nvcc"

if [[ -x "$nvcc" ]] && "$nvcc" --version | grep -q "V${version}"; then
  echo "nvcc ${version} already installed at $nvcc"
  exit 0
fi

python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade --target "$target" \
  "nvidia-cuda-nvcc==${version}" "nvidia-cuda-crt==${version}" "nvidia-nvvm==${version}" \
  "nvidia-cuda-runtime==${version}"

"$nvcc" --version | tail -n 2
echo "nvcc installed at $nvcc"
