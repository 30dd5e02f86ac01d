#!/usr/bin/env bash
# Installs the Debian kernel trees the importer reads (linux-source-6.1, linux-source-6.12),
# cut down to the KVM files and the headers the model needs, into a cache outside the repo:
#   ${KVM_MMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-mmu-visualizer}/trees/linux-source-6.x
# Idempotent: a tree that is already there is left alone (no apt call), so a warm run takes
# milliseconds. Whatever version Debian serves is taken; the tree records it in .debian-version.
# The .deb is streamed through tar and deleted, so only the ~3 MB trees stay.
#
#   bash scripts/kernel-source.sh             installs what is missing, prints each tree
#   bash scripts/kernel-source.sh --quiet     prints nothing when both trees are there
#   bash scripts/kernel-source.sh --optional  outside CI, a failure is a warning (the tests
#                                             that need the trees then skip and say why)
set -euo pipefail

quiet=false
optional=false
for arg in "$@"; do
  case "$arg" in
    -q | --quiet) quiet=true ;;
    --optional) optional=true ;;
    *)
      echo "usage: $0 [--quiet] [--optional]" >&2
      exit 2
      ;;
  esac
done

if $optional; then
  if bash "$0" $($quiet && echo --quiet); then exit 0; fi
  if [ -n "${CI:-}" ]; then exit 1; fi
  echo "kernel-source: WARNING: the Debian kernel trees are not installed; the tests that read them will be skipped" >&2
  exit 0
fi

CACHE="${KVM_MMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-mmu-visualizer}"
TREES="$CACHE/trees"
SERIES=(6.1 6.12)
# Paths inside the tree. Directories are extracted whole.
MEMBERS=(
  Makefile
  arch/x86/kvm
  virt/kvm
  arch/x86/include/asm/kvm_host.h
  arch/x86/include/asm/kvm-x86-ops.h
  include/linux/kvm_host.h
)

# "6.1.192" from the tree's top Makefile, as `make kernelversion` prints it.
kernelversion() {
  awk -F' *= *' '
    $1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
    $1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2 }
    END { printf "%s.%s.%s%s\n", v, p, s, e }' "$1/Makefile"
}

report() {
  local tree="$TREES/linux-source-$1"
  echo "linux-source-$1: $(kernelversion "$tree") (Debian $(cat "$tree/.debian-version")) in $tree"
}

have() { [ -f "$TREES/linux-source-$1/.debian-version" ]; }

missing=()
for s in "${SERIES[@]}"; do have "$s" || missing+=("$s"); done
if [ ${#missing[@]} -eq 0 ]; then
  $quiet || for s in "${SERIES[@]}"; do report "$s"; done
  exit 0
fi

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "kernel-source: apt-get/dpkg-deb not found; the Debian kernel trees (linux-source-${missing[*]}) cannot be installed on this machine" >&2
  exit 1
fi

mkdir -p "$TREES"
# Two checkouts running their tests at once must not install the same tree twice.
exec 9>"$CACHE/.lock"
command -v flock >/dev/null && flock 9

work="$(mktemp -d "$CACHE/tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# apt warns on stderr that root downloads unsandboxed; keep its output for a real failure.
download() {
  (cd "$work/$1" && apt-get download -qq "linux-source-$1" >apt.log 2>&1)
}

# Runs in the background, where `set -e` does not apply: every step checks its own status.
fetch() {
  local s="$1"
  mkdir -p "$work/$s" && download "$s" || return 1
  local deb=("$work/$s"/linux-source-"$s"_*.deb)
  local patterns=()
  for m in "${MEMBERS[@]}"; do patterns+=("linux-source-$s/$m"); done
  # The .deb holds /usr/src/linux-source-X.tar.xz: stream it instead of writing it to disk.
  dpkg-deb --fsys-tarfile "${deb[0]}" |
    tar -xO --wildcards '*.tar.xz' |
    xz -dc |
    tar -x -C "$work/$s" "${patterns[@]}" || return 1
  dpkg-deb -f "${deb[0]}" Version >"$work/$s/linux-source-$s/.debian-version" || return 1
  rm -f "${deb[0]}"
}

t0=$SECONDS
todo=()
for s in "${missing[@]}"; do have "$s" || todo+=("$s"); done # a concurrent run may have done it
[ ${#todo[@]} -eq 0 ] && exit 0
echo "kernel-source: fetching linux-source-${todo[*]} (about 150 MB each, kept only while extracting)"
# Each xz stream decompresses on one core: do the series side by side.
run_all() {
  local pids=() s failed=()
  for s in "${todo[@]}"; do
    fetch "$s" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${todo[$i]}"); done
  [ ${#failed[@]} -eq 0 ] || {
    todo=("${failed[@]}")
    return 1
  }
}
if ! run_all; then
  if [ "$(id -u)" -ne 0 ]; then
    for s in "${todo[@]}"; do cat "$work/$s/apt.log" >&2 || true; done
    echo "kernel-source: 'apt-get download linux-source-${todo[*]}' failed; run 'sudo apt-get update' and try again" >&2
    exit 1
  fi
  apt-get update -qq
  run_all || {
    for s in "${todo[@]}"; do cat "$work/$s/apt.log" >&2 || true; done
    echo "kernel-source: could not fetch linux-source-${todo[*]}, even after apt-get update" >&2
    exit 1
  }
fi
for s in "${missing[@]}"; do
  [ -d "$work/$s/linux-source-$s" ] || continue
  rm -rf "$TREES/linux-source-$s"
  mv "$work/$s/linux-source-$s" "$TREES/linux-source-$s"
done
echo "kernel-source: extracted in $((SECONDS - t0))s"
for s in "${missing[@]}"; do report "$s"; done
