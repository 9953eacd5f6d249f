#!/usr/bin/env bash
# The CUDA check for a machine with an NVIDIA GPU: installs the CUDA provider libraries next to
# onnxruntime-node, then runs bench/device-check.ts (CUDA logits against the CPU path within 1e-3,
# rollout and train tokens/s as JSON) and stops it after ten minutes. It needs, beside this
# checkout and its node_modules (npm ci):
# - the provider libraries of the pinned onnxruntime-node version in $R1FLOW_CUDA_PROVIDERS
#   (default .cuda-providers/): libonnxruntime_providers_cuda.so and
#   libonnxruntime_providers_shared.so, or the onnxruntime-gpu wheel of that version. Fetch them
#   beforehand with bench/fetch-cuda-providers.sh where PyPI is reachable;
# - the CUDA 13 runtime, cuBLAS, cuFFT, cuRAND and cuDNN 9 libraries that wheel links against: on
#   the loader path, in /usr/local/cuda/lib64, or pip-installed nvidia-* packages of python3 (a
#   CUDA 13 PyTorch brings them);
# - Node.js 20 or later on PATH, or NODE=/path/to/node.
# Without an NVIDIA GPU it fails at once with exit status 2 and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() {
  echo "device-check: $*" >&2
  exit 2
}

command -v nvidia-smi > /dev/null || fail "no NVIDIA GPU here: nvidia-smi is not installed."
gpus=$(nvidia-smi -L 2> /dev/null) || fail "no NVIDIA GPU here: nvidia-smi cannot reach a driver."
[ -n "$gpus" ] || fail "no NVIDIA GPU here: nvidia-smi lists none."
echo "device-check: $gpus" >&2

NODE=${NODE:-node}
command -v "$NODE" > /dev/null || fail "Node.js is not on PATH; set NODE=/path/to/node."
[ -d node_modules/onnxruntime-node ] || fail "node_modules/onnxruntime-node is missing; run npm ci first."
version=$("$NODE" -p "require('./node_modules/onnxruntime-node/package.json').version")
native=node_modules/onnxruntime-node/bin/napi-v6/linux/x64

providers=${R1FLOW_CUDA_PROVIDERS:-.cuda-providers}
if [ ! -f "$providers/libonnxruntime_providers_cuda.so" ]; then
  wheel=$(ls "$providers"/onnxruntime_gpu-"$version"-*.whl 2> /dev/null | head -n 1 || true)
  [ -n "$wheel" ] || fail "no CUDA provider libraries for onnxruntime $version in $providers; fetch them with bench/fetch-cuda-providers.sh."
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [open(sys.argv[2] + "/" + n, "wb").write(z.read("onnxruntime/capi/" + n)) for n in ("libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so")]' "$wheel" "$providers"
fi
cp "$providers/libonnxruntime_providers_cuda.so" "$providers/libonnxruntime_providers_shared.so" "$native/"

# The CUDA libraries the provider loads: the system's, then any pip-installed nvidia-* packages.
libs=${LD_LIBRARY_PATH:-}
[ -d /usr/local/cuda/lib64 ] && libs="$libs:/usr/local/cuda/lib64"
if command -v python3 > /dev/null; then
  pip_libs=$(python3 - << 'PY' || true
import glob, os, site
dirs = set()
for root in site.getsitepackages() + [site.getusersitepackages()]:
    for lib in glob.glob(os.path.join(root, "nvidia", "**", "lib*.so*"), recursive=True):
        dirs.add(os.path.dirname(lib))
print(":".join(sorted(dirs)))
PY
  )
  [ -n "$pip_libs" ] && libs="$libs:$pip_libs"
fi
export LD_LIBRARY_PATH=${libs#:}

timeout 600 "$NODE" --import tsx bench/device-check.ts
