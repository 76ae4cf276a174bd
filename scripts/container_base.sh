#!/usr/bin/env bash
# The container set-up that `make image`, `make up` and `make container-test` share.
#
#   scripts/container_base.sh setup          podman's own configuration and, without a registry, the base images
#   scripts/container_base.sh image [tools]  build the mixlingo image (or the tools image, with torch, for models)
#   scripts/container_base.sh up | down      start / stop the compose stack (compose.yaml, .env)
#   scripts/container_base.sh podman ARGS    podman with this set-up (to look around: podman ps, podman images)
#   scripts/container_base.sh compose ARGS   the compose command with this set-up
#   scripts/container_base.sh env            the variables the commands above run with, one KEY=VALUE a line
#
# With Docker installed, image/up/down are plain `docker build` and `docker compose`. With podman they run with a
# configuration and image store of their own under $MIXLINGO_CONTAINER_HOME (default ~/.cache/mixlingo-container):
# runc as the runtime (crun fails on hybrid cgroup hosts), ulimits the kernel allows, cgroupfs, and podman-compose
# from PyPI in a virtual environment there. When no container registry is reachable (or MIXLINGO_STANDINS=1),
# `setup` builds local stand-ins from Debian's archive with mmdebstrap: a Python base for BASE_IMAGE, Redis and
# PostgreSQL; only these test base images get the host's CA certificates and pip configuration, the shipped
# Dockerfile never does.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${MIXLINGO_CONTAINER_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mixlingo-container}
IMAGE=${MIXLINGO_IMAGE:-mixlingo:latest}
TOOLS_IMAGE=${MIXLINGO_TOOLS_IMAGE:-mixlingo-tools:latest}
STANDIN=localhost/mixlingo-standin
SUITE=bookworm
PODMAN_COMPOSE_VERSION=1.5.0

say() { echo "container_base: $*" >&2; }

engine() {
  if [ -n "${MIXLINGO_CONTAINER_ENGINE:-}" ]; then echo "$MIXLINGO_CONTAINER_ENGINE"
  elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then echo docker
  else echo podman
  fi
}

# --- podman's own configuration -----------------------------------------------------------------------------

podman_env() {
  export CONTAINERS_CONF="$STATE/containers.conf" CONTAINERS_STORAGE_CONF="$STATE/storage.conf"
  export CONTAINERS_REGISTRIES_CONF="$STATE/registries.conf"
  export PATH="$STATE/compose/bin:$PATH"
}

write_config() {
  mkdir -p "$STATE/storage" "$STATE/run" "$STATE/networks"
  cat >"$STATE/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$STATE/run/libpod"
volume_path = "$STATE/storage/volumes"

[network]
network_backend = "netavark"
network_config_dir = "$STATE/networks"
EOF
  cat >"$STATE/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$STATE/storage"
runroot = "$STATE/run"
EOF
  cat >"$STATE/registries.conf" <<EOF
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
}

install_packages() {
  local missing=()
  for tool in podman buildah mmdebstrap runc; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then say "needs ${missing[*]}: apt-get install podman buildah mmdebstrap runc"; exit 2; fi
  say "installing ${missing[*]} from Debian's archive"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah mmdebstrap runc >/dev/null
}

install_compose() {
  [ -x "$STATE/compose/bin/podman-compose" ] && return 0
  say "installing podman-compose $PODMAN_COMPOSE_VERSION into $STATE/compose"
  python3 -m venv "$STATE/compose"
  "$STATE/compose/bin/pip" install -q "podman-compose==$PODMAN_COMPOSE_VERSION"
}

# --- stand-ins for registry images ----------------------------------------------------------------------------

registry_reachable() {
  python3 - <<'EOF'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen("https://registry-1.docker.io/v2/", timeout=5)
except urllib.error.HTTPError:
    sys.exit(0)  # 401: there, and asking for a login
except OSError:
    sys.exit(1)
EOF
}

standins_wanted() {
  case "${MIXLINGO_STANDINS:-auto}" in
    1|true|yes) return 0 ;;
    0|false|no) return 1 ;;
    *) [ -f "$STATE/standins" ] || ! registry_reachable ;;
  esac
}

apt_sources() {
  if [ -s /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then echo /etc/apt/sources.list; return; fi
  ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1
}

# The pip settings of this host (index, local wheel folders), for the test base image only; pip there checks
# certificates against the host's CA bundle, copied in beside it.
host_pip_conf() {
  python3 -m pip config list 2>/dev/null | python3 -c '
import sys
keep = {"index-url", "extra-index-url", "find-links", "trusted-host"}
found = {}
for line in sys.stdin:
    key, _, value = line.strip().partition("=")
    name = key.split(".", 1)[-1]
    if name in keep and (name not in found or key.startswith("global.")):
        found[name] = value.strip("\x27\"")
print("[global]")
print("cert = /etc/ssl/certs/mixlingo-test-host-ca.crt")
for name, value in found.items():
    print(f"{name} = {value}")
'
}

# Folders the host's pip settings read from (file:// indexes, find-links), mounted into builds read-only.
pip_mounts() {
  [ -f "$STATE/pip.conf" ] || return 0
  grep -oE '(file://)?/[^ ]+' "$STATE/pip.conf" | sed 's#^file://##; s#/simple/*$##' | sort -u | while read -r path; do
    [ -d "$path" ] && printf -- '--volume=%s:%s:ro\n' "$path" "$path"
  done
}

debootstrap_tar() {  # name, packages, extra mmdebstrap options...
  local name=$1 packages=$2; shift 2
  # merged /usr without the usrmerge package, which would pull in perl
  mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --include="$packages" \
    --dpkgopt=force-unsafe-io \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' "$@" "$SUITE" "$STATE/base/$name.tar" "$(apt_sources)" \
    >"$STATE/base/$name.log" 2>&1 || { tail -n 30 "$STATE/base/$name.log" >&2; return 1; }
}

standin_tar() {  # name: the root file system of that stand-in, as a tar under $STATE/base
  local cert=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  case "$1" in
    python)
      debootstrap_tar python python3,python3-venv,ca-certificates \
        --customize-hook="cp '$STATE/pip.conf' \"\$1/etc/pip.conf\"" \
        --customize-hook="cp '$cert' \"\$1/etc/ssl/certs/mixlingo-test-host-ca.crt\"" ;;
    redis) debootstrap_tar redis redis-server ;;
    postgres)
      debootstrap_tar postgres postgresql --customize-hook='rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15"' \
        --customize-hook="install -m 0755 '$ROOT/scripts/container_postgres_entrypoint.sh' \"\$1/usr/local/bin/docker-entrypoint.sh\"" ;;
  esac
}

standin_import() {  # name: the tar imported as $STANDIN/name, with the image settings the official image has
  local changes=()
  case "$1" in
    python) changes=(--change 'CMD ["python3"]') ;;
    redis) changes=(--change 'CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no"]' --change 'EXPOSE 6379') ;;
    postgres)
      changes=(--change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]' --change 'EXPOSE 5432'
               --change 'ENV PGDATA=/var/lib/postgresql/data'
               --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin') ;;
  esac
  podman import --quiet "${changes[@]}" - "$STANDIN/$1:$SUITE" <"$STATE/base/$1.tar" >/dev/null
  rm -f "$STATE/base/$1.tar"
}

build_standins() {
  local name missing=() pids=()
  for name in python redis postgres; do
    podman image exists "$STANDIN/$name:$SUITE" || missing+=("$name")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    mkdir -p "$STATE/base"
    host_pip_conf >"$STATE/pip.conf"
    say "building stand-in images from Debian $SUITE: ${missing[*]} (a few minutes, once)"
    for name in "${missing[@]}"; do standin_tar "$name" & pids+=($!); done
    for name in "${pids[@]}"; do wait "$name"; done
    for name in "${missing[@]}"; do standin_import "$name"; done
  fi
  touch "$STATE/standins"
}

standin_env() {
  export MIXLINGO_BASE_IMAGE=${MIXLINGO_BASE_IMAGE:-$STANDIN/python:$SUITE}
  export REDIS_IMAGE=${REDIS_IMAGE:-$STANDIN/redis:$SUITE} POSTGRES_IMAGE=${POSTGRES_IMAGE:-$STANDIN/postgres:$SUITE}
}

setup() {
  [ "$(engine)" = docker ] && return 0
  install_packages
  write_config
  podman_env
  install_compose
  if standins_wanted; then build_standins; fi
}

# --- commands ---------------------------------------------------------------------------------------------------

prepare() {  # the environment every podman command runs in
  if [ "$(engine)" = podman ]; then
    [ -f "$STATE/containers.conf" ] || setup
    podman_env
    if [ -f "$STATE/standins" ]; then standin_env; fi
  fi
  export APP_IMAGE=$IMAGE TOOLS_IMAGE
}

build() {  # [tools]
  local target=runtime tag=$IMAGE
  if [ "${1:-}" = tools ]; then target=tools tag=$TOOLS_IMAGE; fi
  local args=(--target "$target" -t "$tag")
  [ -n "${MIXLINGO_BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$MIXLINGO_BASE_IMAGE")
  if [ "$(engine)" = docker ]; then
    docker build "${args[@]}" "$ROOT"
  else
    local mounts; mapfile -t mounts < <(pip_mounts)
    # docker format: OCI images have no HEALTHCHECK
    podman build --format docker --network host "${mounts[@]}" "${args[@]}" "$ROOT"
  fi
}

compose() {  # compose.yaml, or the files COMPOSE_FILE names (absolute paths, separated by ':')
  local files=()
  [ -n "${COMPOSE_FILE:-}" ] || files=(-f "$ROOT/compose.yaml")
  if [ "$(engine)" = docker ]; then docker compose "${files[@]}" "$@"
  else podman-compose "${files[@]}" "$@"
  fi
}

# podman-compose turns depends_on into `podman --requires`, which podman (4.3 at least) cannot start through a
# one-shot container like migrate, and podman before 4.6 cannot wait for a health check. So with podman the stack
# starts in the order compose.yaml's conditions ask for: Redis and PostgreSQL until their checks pass, then
# migrate until it has exited 0, then the rest.
service_container() {  # service: its first container in this project
  podman ps --all --filter "label=io.podman.compose.project=${COMPOSE_PROJECT_NAME:-mixlingo}" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1
}

wait_healthy() {  # service...
  local service name tries
  for service in "$@"; do
    name=$(service_container "$service")
    for tries in $(seq 60); do
      podman healthcheck run "$name" >/dev/null 2>&1 && continue 2
      sleep 2
    done
    say "$service did not become healthy"; podman logs --tail 20 "$name" >&2; return 1
  done
}

wait_exited() {  # service: its container has ended with status 0
  local name status
  name=$(service_container "$1")
  status=$(podman wait "$name")
  [ "$status" = 0 ] || { say "$1 ended with status $status"; podman logs --tail 20 "$name" >&2; return 1; }
}

compose_up() {  # [--scale SERVICE=N ...]
  if [ "$(engine)" = docker ]; then compose up -d "$@"; return; fi
  compose up -d --no-deps redis postgres
  wait_healthy redis postgres
  compose up -d --no-deps migrate
  wait_exited migrate
  local rest
  mapfile -t rest < <(compose config --services | grep -vxE 'migrate|redis|postgres')
  compose up -d --no-deps "$@" "${rest[@]}"
}

# podman-compose's down leaves the anonymous volumes of the containers it removes, and the network when the stack ran
# scaled: with podman, the stack's containers are stopped and removed here first, and its networks after.
compose_down() {  # [--volumes]
  if [ "$(engine)" = docker ]; then compose down "$@"; return; fi
  local label="label=io.podman.compose.project=${COMPOSE_PROJECT_NAME:-mixlingo}" containers
  mapfile -t containers < <(podman ps --all --quiet --filter "$label")
  if [ ${#containers[@]} -gt 0 ]; then
    podman stop --time 30 "${containers[@]}" >/dev/null
    podman rm --volumes "${containers[@]}" >/dev/null
  fi
  compose down "$@"
  podman network ls --quiet --filter "$label" | xargs -r podman network rm >/dev/null
}

main() {
  local command=${1:-}
  shift || true
  case "$command" in
    setup) setup ;;
    image) prepare; build "$@" ;;
    up)
      prepare
      [ -f "${APP_ENV_FILE:-$ROOT/.env}" ] || { say "no .env: cp .env.example .env and fill it in first"; exit 2; }
      compose_up "$@"
      compose ps ;;
    down) prepare; compose_down "$@" ;;
    compose) prepare; compose "$@" ;;
    podman) prepare; exec podman "$@" ;;
    env) prepare; env | grep -E '^(CONTAINERS_[A-Z_]+|MIXLINGO_BASE_IMAGE|APP_IMAGE|REDIS_IMAGE|POSTGRES_IMAGE|PATH)=' ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}

main "$@"
