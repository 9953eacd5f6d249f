#!/usr/bin/env bash
# Fetches onnxruntime's CUDA provider libraries for the pinned onnxruntime-node from PyPI (the
# onnxruntime-gpu wheel of the same version, built for CUDA 13 and cuDNN 9) and unpacks
# libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so into DIR (default
# .cuda-providers/, which git ignores), for bench/device-check.sh on a machine that cannot reach
# PyPI itself. Needs python3 with pip. Usage: bench/fetch-cuda-providers.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.cuda-providers}
version=$(node -p "require('./node_modules/onnxruntime-node/package.json').version")
mkdir -p "$dest"
python3 -m pip download --quiet --no-deps --only-binary=:all: --implementation cp --python-version 3.12 \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  -d "$dest" "onnxruntime-gpu==$version"
python3 - "$dest" "$version" <<'PY'
import glob, os, shutil, sys, zipfile
dest, version = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(dest, f"onnxruntime_gpu-{version}-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for lib in ("libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"):
        with z.open(f"onnxruntime/capi/{lib}") as src, open(os.path.join(dest, lib), "wb") as out:
            shutil.copyfileobj(src, out)
print(f"{dest}: CUDA provider libraries of onnxruntime {version} (from {os.path.basename(wheel)})")
PY
