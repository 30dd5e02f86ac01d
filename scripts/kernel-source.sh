#!/usr/bin/env bash
# Installs the Debian kernel trees the importer reads (linux-source-6.1, linux-source-6.12),
# cut down to the KVM files and the headers the model needs, into a cache outside the repo:
#   ${KVM_MMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-mmu-visualizer}/trees/linux-source-6.x
# Idempotent: a tree that is already there is left alone (no apt call), so a warm run takes
# milliseconds. The .deb is streamed through tar and deleted, so only the ~3 MB trees stay.
#
#   bash scripts/kernel-source.sh            installs what is missing, prints each tree
#   bash scripts/kernel-source.sh --quiet    prints nothing when both trees are there
set -euo pipefail

quiet=false
for arg in "$@"; do
  case "$arg" in
    -q | --quiet) quiet=true ;;
    *)
      echo "usage: $0 [--quiet]" >&2
      exit 2
      ;;
  esac
done

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
  local tree="$1"
  echo "linux-source-$2: $(kernelversion "$tree") (Debian $(cat "$tree/.debian-version")) in $tree"
}

have() { [ -f "$TREES/linux-source-$1/.debian-version" ]; }

missing=()
for s in "${SERIES[@]}"; do have "$s" || missing+=("$s"); done
if [ ${#missing[@]} -eq 0 ]; then
  $quiet || for s in "${SERIES[@]}"; do report "$TREES/linux-source-$s" "$s"; done
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
  (cd "$work" && apt-get download -qq "linux-source-$1" >"$work/apt.log" 2>&1)
}

for s in "${SERIES[@]}"; do
  have "$s" && continue # installed by a concurrent run while we waited for the lock
  t0=$SECONDS
  echo "kernel-source: fetching linux-source-$s (about 150 MB, kept only while extracting)"
  if ! download "$s"; then
    if [ "$(id -u)" -ne 0 ]; then
      cat "$work/apt.log" >&2
      echo "kernel-source: 'apt-get download linux-source-$s' failed; run 'sudo apt-get update' and try again" >&2
      exit 1
    fi
    apt-get update -qq
    download "$s" || {
      cat "$work/apt.log" >&2
      echo "kernel-source: 'apt-get download linux-source-$s' failed after apt-get update" >&2
      exit 1
    }
  fi
  deb=("$work"/linux-source-"$s"_*.deb)
  debver="$(dpkg-deb -f "${deb[0]}" Version)"
  # The .deb holds /usr/src/linux-source-X.tar.xz: stream it instead of writing it to disk.
  patterns=()
  for m in "${MEMBERS[@]}"; do patterns+=("linux-source-$s/$m"); done
  dpkg-deb --fsys-tarfile "${deb[0]}" |
    tar -xO --wildcards '*.tar.xz' |
    xz -dc -T0 |
    tar -x -C "$work" "${patterns[@]}"
  rm -f "${deb[0]}"
  echo "$debver" >"$work/linux-source-$s/.debian-version"
  rm -rf "$TREES/linux-source-$s"
  mv "$work/linux-source-$s" "$TREES/linux-source-$s"
  echo "kernel-source: linux-source-$s extracted in $((SECONDS - t0))s"
  report "$TREES/linux-source-$s" "$s"
done
