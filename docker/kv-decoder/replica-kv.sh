#!/usr/bin/env bash
# The KV-cache decoder export and the in-graph beam search for a replica folder made by
# oracle/make_replicas.py, made exactly as the Docker image makes them for the real weights (the
# replica's hf/ folder stands where kha-white/manga-ocr-base stands). Reused while the replica's key
# is unchanged. Python comes from the oracle's environment (oracle/setup.sh).
#
#   docker/kv-decoder/replica-kv.sh [REPLICA_DIR]      (default .cache/replicas/full)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-.cache/replicas/full}
key="$dir/kv/.replica-key"
if [ -f "$key" ] && cmp -s "$key" "$dir/.replica-key" && [ -f "$dir/kv/manga_ocr_beam_search.onnx" ]; then
  echo "replica-kv: $dir/kv is up to date" >&2
  exit 0
fi
py=$(bash oracle/setup.sh)
rm -rf "$dir/kv"
"$py" docker/kv-decoder/export_kv_decoder.py "$dir/hf" "$dir/kv" >&2
"$py" docker/kv-decoder/build_beam_search.py "$dir/encoder_model.onnx" "$dir/kv/decoder_model.onnx" \
  "$dir/kv/decoder_with_past_model.onnx" "$dir/kv/manga_ocr_beam_search.onnx" >&2
cp "$dir/.replica-key" "$key"
echo "replica-kv: wrote $dir/kv" >&2
