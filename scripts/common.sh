# Shared settings for scripts/setup and scripts/test. Sourced, not executed.
#
# Every pinned dependency version and every cache location lives here, once.

HEARTH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HEARTH_CACHE=${HEARTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}
HEARTH_PRESET=${HEARTH_PRESET:-release}
# ccache hashes paths relative to the checkout and ignores the build folder,
# so a fresh clone (CI) reuses what an earlier checkout compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$HEARTH_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
# The build folder of each preset (CMakePresets.json's binaryDir).
case "$HEARTH_PRESET" in
  release) HEARTH_BUILD_DIR=$HEARTH_ROOT/build ;;
  debug|tsan) HEARTH_BUILD_DIR=$HEARTH_ROOT/build-$HEARTH_PRESET ;;
  *) echo "unknown HEARTH_PRESET '$HEARTH_PRESET' (release, debug or tsan)" >&2; exit 2 ;;
esac

# Pinned npm packages: name, version, and the sha512 integrity the registry published.
NODE_LLAMA_CPP_VERSION=3.22.1
NODE_LLAMA_CPP_INTEGRITY=sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw==
USEARCH_VERSION=2.25.3
USEARCH_INTEGRITY=sha512-mvg6/hBVlx/4dQxa9Yj2ED/wiOhRM6GOw6vRRT+/4H2uYmXGcOO/v9fbf36UA6ycIbaSNzbdLXtbVBvd5JLcfA==

log() { printf '[hearth] %s\n' "$*" >&2; }
die() { printf '[hearth] error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The file scripts/setup writes with the locations of the pinned dependencies;
# scripts/test and CMake read it.
HEARTH_DEPS_ENV=$HEARTH_CACHE/deps.env
