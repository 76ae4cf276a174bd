# mixlingo in a container: `mixlingo serve` (the default command) and `mixlingo worker`, without torch.
#
#   docker build -t mixlingo .                          the runtime image: serve, worker, db upgrade, tag, transliterate
#   docker build --target tools -t mixlingo-tools .     one-shot jobs that need torch: `models pull`, `models convert`
#
# The runtime runs the converted models only (CTranslate2 for translation, ONNX Runtime for the mBERT tagger and
# the reranker) and the taggers and transliterator that ship inside the package; converting a downloaded model
# needs torch and transformers, so that happens once, in the tools image, into the models volume
# (docs/deployment.md).
ARG BASE_IMAGE=python:3.12-slim

# --- builder: a virtual environment at /opt/mixlingo with mixlingo and its runtime dependencies -----------------
FROM ${BASE_IMAGE} AS builder
# binutils strips the debugging sections some wheels ship (ctranslate2's library alone carries 66 MB of them); add
# e.g. build-essential where a dependency has no wheel for the platform and must be compiled.
ARG BUILD_PACKAGES="binutils"
RUN if [ -n "$BUILD_PACKAGES" ]; then \
      apt-get update && apt-get install -y --no-install-recommends $BUILD_PACKAGES && rm -rf /var/lib/apt/lists/*; \
    fi
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/mixlingo
WORKDIR /src
# The dependencies pyproject.toml pins, less the ones only model conversion needs: a layer rebuilt only when
# pyproject.toml changes. The tools stage installs the rest.
ARG RUNTIME_WITHOUT="torch transformers"
COPY pyproject.toml ./
RUN python3 -c 'import re, sys, tomllib; \
without = set(sys.argv[1:]); \
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; \
print("\n".join(d for d in deps if re.split(r"[\s\[<>=!~;]", d, maxsplit=1)[0].lower() not in without))' \
      $RUNTIME_WITHOUT >/opt/mixlingo/runtime-requirements.txt \
 && /opt/mixlingo/bin/pip install --no-compile --requirement /opt/mixlingo/runtime-requirements.txt
COPY . .
# To keep the image small, no bytecode is compiled here (the runtime compiles what it imports, once, into
# PYTHONPYCACHEPREFIX: about 70 MB less, a second or so more at a container's first start); the dependencies' own
# test suites (numpy's, onnx's test data) go, and so do the debugging sections of their libraries.
RUN /opt/mixlingo/bin/pip install --no-compile --no-deps . \
 && find /opt/mixlingo/lib -type d \( -name tests -o -path '*/onnx/backend/test/data' \) -not -path '*/site-packages/mixlingo/*' \
      -prune -exec rm -rf {} + \
 && if command -v strip >/dev/null; then \
      find /opt/mixlingo -name '*.so*' -type f | while read -r lib; do \
        if readelf -S "$lib" 2>/dev/null | grep -q '\.debug_'; then strip --strip-debug "$lib"; fi; \
      done; \
    fi \
 && for name in $RUNTIME_WITHOUT; do \
      if /opt/mixlingo/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$name') is None)"; then \
        echo "$name is installed, but the runtime is to go without it" >&2; exit 1; \
      fi; \
    done \
 && /opt/mixlingo/bin/mixlingo --version

# --- tools: the whole of pyproject.toml's dependencies, torch included -----------------------------------------
FROM builder AS tools
# An extra package index for torch, e.g. https://download.pytorch.org/whl/cpu for the CPU-only build.
ARG TORCH_INDEX_URL=""
RUN /opt/mixlingo/bin/pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} . \
 && useradd --uid 10001 --user-group --create-home --home-dir /home/mixlingo mixlingo \
 && mkdir -p /models && chown mixlingo:mixlingo /models
ENV PATH=/opt/mixlingo/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE= \
    PYTHONPYCACHEPREFIX=/home/mixlingo/.cache/python MIXLINGO_MODEL_CACHE_DIR=/models
USER mixlingo
WORKDIR /home/mixlingo
VOLUME ["/models"]
CMD ["sh", "-c", "mixlingo models pull && mixlingo models convert"]

# --- the runtime environment: no installer, and no accelerator for downloads (the tools image downloads) ---------
FROM builder AS runtime-env
RUN /opt/mixlingo/bin/python -m pip uninstall --yes --quiet hf-xet pip setuptools wheel

# --- runtime (the default target) -----------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/mixlingo mixlingo \
 && mkdir -p /models && chown mixlingo:mixlingo /models
COPY --from=runtime-env /opt/mixlingo /opt/mixlingo
# Models and their converted forms (/models/optimized) live on a volume. Listen on every address: the container's
# port is what gets published.
ENV PATH=/opt/mixlingo/bin:$PATH PYTHONUNBUFFERED=1 PYTHONPYCACHEPREFIX=/home/mixlingo/.cache/python \
    MIXLINGO_MODEL_CACHE_DIR=/models MIXLINGO_HOST=0.0.0.0 MIXLINGO_PORT=3000
USER mixlingo
WORKDIR /home/mixlingo
VOLUME ["/models"]
EXPOSE 3000
# /healthz of the HTTP app (and of the playground). In Socket Mode serve opens no HTTP port: there the check passes
# while the process runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python3", "-c", "\
import os, urllib.request; \
socket_mode = os.environ.get('SLACK_APP_TOKEN') or os.environ.get('MIXLINGO_SLACK_APP_TOKEN'); \
socket_mode or urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MIXLINGO_PORT', '3000'), timeout=4)"]
# serve and worker both stop cleanly on SIGINT (serve as PID 1 would ignore SIGTERM); the worker finishes its jobs
STOPSIGNAL SIGINT
CMD ["mixlingo", "serve"]
