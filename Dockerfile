# mokuro-worker on RunPod serverless: CUDA 12 + cuDNN 9 (what onnxruntime-node 1.30's CUDA provider
# links against), Node.js 22 LTS, the real model weights baked in and verified at build time.
#
#   docker build -t mokuro-worker .
#   docker run --rm --gpus all mokuro-worker            # runs test_input.json once and exits
#
# Stage order keeps the 560 MB model download in its own cached layer: code changes rebuild only
# the last few layers.

ARG NODE_IMAGE=node:22-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04

# --- production dependencies, with onnxruntime-node's CUDA 12 binaries -------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# onnxruntime-node's own install script is skipped (npm 10 would run it with no choice of build; npm 11
# does not run unapproved install scripts): the CUDA 12 build is installed explicitly, next
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund \
 && ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install \
 && npm cache clean --force

# --- the real weights, checked against models/manifest.json (a mismatch fails the build) --------
FROM deps AS models
COPY models/manifest.json models/manifest.json
COPY src/errors.ts src/errors.ts
COPY src/models/manifest.ts src/models/verify-files.ts src/models/
COPY scripts/download-models.ts scripts/download-models.ts
RUN node --import tsx scripts/download-models.ts --dir /models

# --- runtime ------------------------------------------------------------------------------------
FROM ${CUDA_IMAGE}
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
ENV NODE_ENV=production \
    MODELS_DIR=/models \
    STAND_IN_MODELS=never \
    EXECUTION_PROVIDERS=cuda,cpu
COPY --from=models /models /models
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.json handler.ts test_input.json ./
COPY models/manifest.json models/manifest.json
COPY src src
# node itself is PID 1's child of nothing else: npm/npx would not pass SIGTERM on, and the worker
# could not finish and post its running jobs. Logs go to stdout unbuffered (pino writes synchronously).
# --initial-old-space-size: the JS heap is small (~40 MB) but every model run hands back fresh output
# buffers; with V8's default sizing that starts a full GC every few decoder steps (BENCHMARKS.md).
# The same flags as `npm start` (test/dockerfile.test.ts checks).
CMD ["node", "--initial-old-space-size=256", "--import", "tsx", "handler.ts"]
