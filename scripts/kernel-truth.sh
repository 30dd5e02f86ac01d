#!/usr/bin/env bash
# Boots Debian's current 6.12 kernel under QEMU's software emulation (TCG emulates AMD SVM),
# loads irqbypass, kvm and kvm_amd under ftrace's function_graph tracer, and keeps what the
# kernel did: the traces, kvm's module parameters and the slab geometry of the MMU caches,
# with NPT on and off and with each forced failure the model has a fault point for.
# docs/ground-truth.md says what is compared with the model and why.
#
#   scripts/kernel-truth.sh            capture (or reuse the capture of the same inputs)
#   scripts/kernel-truth.sh --bench N  boot the NPT-on run N times and print the wall times
#
# Everything lives in ${KVM_MMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-mmu-visualizer}/truth:
# the kernel and header packages (extracted), the built loader, module and initramfs, and
# the runs, keyed by kernel release and a hash of this script's inputs. A second run with the
# same inputs downloads and boots nothing. The directory of the capture is written to
# node_modules/.cache/kernel-truth-current (the tests read it) and to truth/current.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HERE=$REPO/scripts/kernel-truth
CACHE=${KVM_MMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-mmu-visualizer}/truth
BOOT_TIMEOUT=${KERNEL_TRUTH_BOOT_TIMEOUT:-180}
T0=$SECONDS

# name | QEMU -cpu | forced failure (FUNC,RETVAL,NTH[,MODULE]) | tracer: the call counts are
# for the kvm_amd load by the loader, where the emulator cache is the first
# __kmem_cache_create_args, pte_list_desc the second and kvm_mmu_page_header the third (the
# tests check that order). The trace-cmd run records the load as users are told to.
RUNS=(
	"npt-on|EPYC||"
	"npt-off|EPYC,-npt||"
	"fail-pte_list_desc|EPYC|__kmem_cache_create_args,0,2|"
	"fail-kvm_mmu_page_header|EPYC|__kmem_cache_create_args,0,3|"
	"fail-kvm_mmu_vendor_module_init|EPYC|kvm_mmu_vendor_module_init,-12,1|"
	"fail-svm_hardware_setup|EPYC|svm_hardware_setup,-12,1,kvm_amd|"
	"trace-cmd|EPYC||trace-cmd"
)
MODULES=(virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd drivers/crypto/ccp/ccp)

say() { echo "kernel-truth: $*" >&2; }
die() {
	say "error: $*"
	exit 1
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo "$@"
	else
		die "'$*' needs root (or password-less sudo)"
	fi
}

# ---- tools ---------------------------------------------------------------------------------

ensure_tools() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	# The guest needs a static busybox; the dynamic one from the busybox package would not run.
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
		missing+=(busybox-static)
	command -v gcc-12 >/dev/null || missing+=(gcc-12)
	command -v make >/dev/null || missing+=(make)
	command -v nm >/dev/null || missing+=(binutils)
	command -v xz >/dev/null || missing+=(xz-utils)
	command -v trace-cmd >/dev/null || missing+=(trace-cmd)
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
	[ ${#missing[@]} = 0 ] && return
	say "installing ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >/dev/null || {
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			"${missing[@]}" >/dev/null
	}
}

# ---- the kernel ----------------------------------------------------------------------------

# The newest linux-image-6.12.*-amd64-unsigned the package lists know ("6.12.118+deb12").
newest_kernel() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' |
		awk '{ print $1 }' | sed 's/^linux-image-//; s/-amd64-unsigned$//' | sort -V | tail -1
}

pick_kernel() {
	KVER=${KERNEL_TRUTH_VERSION:-$(newest_kernel)}
	if [ -z "$KVER" ]; then
		as_root apt-get update -qq
		KVER=$(newest_kernel)
	fi
	[ -n "$KVER" ] || die "no linux-image-6.12.*-amd64-unsigned in the package lists"
	KREL=$KVER-amd64
	KDIR=$CACHE/kernel/$KREL
}

# Downloads the four packages into DIR unless they are there; fails if the archive lacks one.
download() { # DIR
	local want=()
	for p in "linux-image-$KREL-unsigned" "linux-headers-$KREL" "linux-headers-$KVER-common" \
		"linux-kbuild-$KVER"; do
		compgen -G "$1/${p}_*.deb" >/dev/null || want+=("$p")
	done
	[ ${#want[@]} = 0 ] && return
	say "downloading ${want[*]}"
	(cd "$1" && apt-get download -qq "${want[@]}" 2>/dev/null)
}

fetch_kernel() {
	[ -e "$KDIR/.complete" ] && return
	local debs=$CACHE/debs
	mkdir -p "$debs"
	chmod 755 "$debs" # apt's download sandbox user must be able to write here
	# Old builds leave the archive: refresh the lists and pick again before giving up.
	download "$debs" || {
		as_root apt-get update -qq
		pick_kernel
		[ -e "$KDIR/.complete" ] && return
		download "$debs" || die "apt-get download of the $KVER packages failed"
	}
	rm -rf "$KDIR"
	mkdir -p "$KDIR/root"
	local paths=()
	for m in "${MODULES[@]}"; do paths+=("./lib/modules/$KREL/kernel/$m.ko.xz"); done
	dpkg-deb --fsys-tarfile "$(compgen -G "$debs/linux-image-$KREL-unsigned_*.deb")" |
		tar -x -C "$KDIR/root" --wildcards './boot/*' "${paths[@]}"
	for m in "${MODULES[@]}"; do
		xz -dc "$KDIR/root/lib/modules/$KREL/kernel/$m.ko.xz" >"$KDIR/$(basename "$m").ko"
	done
	for p in "linux-headers-$KREL" "linux-headers-$KVER-common" "linux-kbuild-$KVER"; do
		dpkg-deb -x "$(compgen -G "$debs/${p}_*.deb")" "$KDIR/root"
	done
	# The headers' Makefile includes the common headers by their installed path.
	sed -i "s#/usr/src/#$KDIR/root/usr/src/#" "$KDIR/root/usr/src/linux-headers-$KREL/Makefile"
	cp "$KDIR/root/boot/vmlinuz-$KREL" "$KDIR/vmlinuz"
	cp "$KDIR/root/boot/System.map-$KREL" "$KDIR/System.map"
	cp "$KDIR/root/boot/config-$KREL" "$KDIR/config"
	touch "$KDIR/.complete"
	# The extracted files are the cache; the packages are not needed again.
	rm -f "$debs"/linux-*"$KVER"*.deb
}

# ---- what the guest runs -------------------------------------------------------------------

# Core kernel functions the model's steps stand for: set_ftrace_filter needs them by name.
core_functions() {
	(cd "$REPO" && node_modules/.bin/tsx scripts/kernel-truth/core-functions.ts)
}

build_guest() {
	BUILD=$CACHE/build/$KREL-$INPUTS
	[ -e "$BUILD/.complete" ] && return
	say "building the loader, the fault injector and the initramfs"
	rm -rf "$BUILD"
	mkdir -p "$BUILD/fi" "$BUILD/initramfs/bin" "$BUILD/initramfs/lib/modules"
	gcc-12 -static -Os -Wall -Wextra -Werror -o "$BUILD/initramfs/bin/kload" "$HERE/kload.c"
	cp "$HERE/faultinject/faultinject.c" "$HERE/faultinject/Kbuild" "$BUILD/fi/"
	# No BTF for an out-of-tree module: it would need pahole, and nothing here reads it.
	make -s -C "$KDIR/root/usr/src/linux-headers-$KREL" M="$BUILD/fi" \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules >"$BUILD/fi/build.log" 2>&1 ||
		die "building faultinject.ko failed: $(tail -5 "$BUILD/fi/build.log")"
	local r=$BUILD/initramfs
	cp /bin/busybox "$r/bin/busybox"
	# trace-cmd and the libraries it links, at the paths its loader looks in.
	cp /usr/bin/trace-cmd "$r/bin/"
	for lib in $(ldd /usr/bin/trace-cmd | grep -o '/[^ ]*'); do
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
	cp "$KDIR"/*.ko "$BUILD/fi/faultinject.ko" "$r/lib/modules/"
	cp "$HERE/init.sh" "$r/init"
	chmod 755 "$r/init"
	printf '%s\n' "$CORE_FUNCTIONS" >"$r/core-functions.txt"
	mkdir -p "$r/proc" "$r/sys" "$r/dev"
	(cd "$r" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null | gzip -1) >"$BUILD/initrd.gz"
	touch "$BUILD/.complete"
}

# ---- runs ----------------------------------------------------------------------------------

qemu_command() { # CPU FAULT TRACER: the command line, each argument shell-quoted
	local append="console=ttyS0 quiet panic=-1${2:+ ktruth.fault=$2}${3:+ ktruth.tracer=$3}"
	printf '%q ' qemu-system-x86_64 -accel tcg -cpu "$1" -m 1024 -smp 1 -nodefaults -no-reboot \
		-display none -monitor none -kernel "$KDIR/vmlinuz" -initrd "$BUILD/initrd.gz" \
		-append "$append" -serial file:console.txt -serial file:serial.txt
}

# Splits serial.txt ("@@@ section NAME @ UPTIME" ... "@@@ end") into NAME.txt files
# (spaces in names become dashes) and sections.txt (name and guest uptime).
split_sections() {
	awk '
		{ sub(/\r$/, "") } # the guest writes to a tty, which ends lines with CR LF
		/^@@@ section / {
			name = $3; for (i = 4; i <= NF && $i != "@"; i++) name = name "-" $i
			file = name ".txt"; printf "" > file
			print name, $NF > "sections.txt"; next
		}
		/^@@@ end$/ { close(file); file = ""; next }
		file != "" { print > file }
	' serial.txt
}

# A failed load frees kvm_amd before the trace is read, so ftrace prints its functions as
# addresses; faultinject kept the module's symbols ("symbols-kvm-amd.txt"): name each address
# after the nearest symbol below it. mawk has no 64-bit numbers: the upper 32 bits must be
# equal and the lower ones are compared as numbers.
name_addresses() {
	[ -s symbols-kvm-amd.txt ] || return 0
	awk '
		function low(h,   v, i) {
			v = 0
			for (i = length(h) - 7; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v
		}
		NR == FNR {
			if (length($1) == 16 && $2 !~ /^__pfx_/) { hi[n] = substr($1, 1, 8); lo[n] = low($1); name[n++] = $2 }
			next
		}
		{
			rest = $0; out = ""
			while (match(rest, /0x[0-9a-f]+\(\)/)) {
				h = substr(rest, RSTART + 2, RLENGTH - 4); best = -1
				if (length(h) == 16)
					for (i = 0; i < n; i++)
						if (hi[i] == substr(h, 1, 8) && lo[i] <= low(h) && low(h) - lo[i] < 64 && (best < 0 || lo[i] > lo[best])) best = i
				if (best < 0) { out = out substr(rest, 1, RSTART + RLENGTH - 1) }
				else {
					print "0x" h, name[best] > "named-addresses.txt"
					out = out substr(rest, 1, RSTART - 1) name[best] " [kvm_amd]()"
				}
				rest = substr(rest, RSTART + RLENGTH)
			}
			print out rest
		}
	' symbols-kvm-amd.txt trace-kvm-amd.txt >trace-kvm-amd.named
	mv trace-kvm-amd.named trace-kvm-amd.txt
}

complete_run() {
	[ -s trace-kvm-amd.txt ] && [ -s slab.txt ] && [ -s params.txt ] && grep -q '^rc=' load-kvm-amd.txt
}

boot() { # DIR CPU FAULT TRACER: one boot into DIR; retried once (TCG has crashed, rarely)
	local dir=$1 cmd
	cmd=$(qemu_command "$2" "$3" "$4")
	mkdir -p "$dir"
	cd "$dir"
	echo "$cmd" >qemu.txt
	for attempt in 1 2; do
		find . -maxdepth 1 -name '*.txt' ! -name qemu.txt -delete
		local t0=$EPOCHREALTIME
		eval "timeout $BOOT_TIMEOUT $cmd" 2>qemu-stderr.txt || true
		awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }' >wall-seconds.txt
		split_sections
		if complete_run; then
			name_addresses
			return 0
		fi
		say "$(basename "$dir"): boot $attempt did not finish; console tail:"
		tail -5 console.txt >&2 || true
	done
	return 1
}

# Names the capture of these inputs as current: for this checkout (its tests read that, so two
# checkouts on one machine do not read each other's) and for the machine.
point_at() {
	mkdir -p "$REPO/node_modules/.cache"
	echo "$RESULTS" >"$REPO/node_modules/.cache/kernel-truth-current"
	echo "$RESULTS" >"$CACHE/current"
}

capture() {
	RESULTS=$CACHE/runs/$KREL-$INPUTS
	if [ -e "$RESULTS/.complete" ]; then
		point_at
		say "$KREL: reusing $RESULTS ($((SECONDS - T0)) s)"
		return
	fi
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	local t0=$SECONDS jobs=${KERNEL_TRUTH_JOBS:-$(nproc)} failed=0
	say "$KREL: ${#RUNS[@]} boots, $jobs at a time"
	for run in "${RUNS[@]}"; do
		IFS='|' read -r name cpu fault tracer <<<"$run"
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || failed=1; done
		(boot "$RESULTS/$name" "$cpu" "$fault" "$tracer") &
	done
	while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || failed=1; done
	[ $failed = 0 ] || die "a boot failed; see $RESULTS/*/console.txt"
	# What the build did to each function (Debian's System.map is a stub): a static function
	# the compiler inlined has no symbol; a core function the modules import exists out of line.
	for m in kvm kvm-amd irqbypass; do
		nm --defined-only "$KDIR/$m.ko" | awk -v m="${m//-/_}" '$2 ~ /^[tT]$/ { print m, $3 }'
	done >"$RESULTS/module-functions.txt"
	for m in kvm kvm-amd; do nm --undefined-only "$KDIR/$m.ko" | awk '{ print $2 }'; done |
		sort -u >"$RESULTS/module-imports.txt"
	printf '%s\n' "${RUNS[@]}" >"$RESULTS/runs.txt"
	echo "$KREL" >"$RESULTS/kernel-release.txt"
	touch "$RESULTS/.complete"
	point_at
	say "$KREL: captured in $((SECONDS - t0)) s: $RESULTS"
}

bench() { # N
	local n=$1 dir=$CACHE/bench times=()
	for i in $(seq "$n"); do
		rm -rf "$dir"
		(boot "$dir" EPYC "" "") || die "bench boot $i failed"
		times+=("$(cat "$dir/wall-seconds.txt")")
		say "bench boot $i: $(cat "$dir/wall-seconds.txt") s wall; guest uptime at each section:" \
			"$(tr '\n' ' ' <"$dir/sections.txt")"
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END {
		printf "kernel-truth: boot to trace, %d boots: median %.1f s (min %.1f, max %.1f)\n",
			NR, (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1], t[NR] }'
}

main() {
	if [ "${KERNEL_TRUTH:-}" = skip ]; then
		say "KERNEL_TRUTH=skip: no capture (the ground-truth tests are skipped too)"
		return
	fi
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	flock -w 1800 9 || die "another kernel-truth run holds $CACHE/.lock"
	ensure_tools
	pick_kernel
	fetch_kernel
	CORE_FUNCTIONS=$(core_functions)
	INPUTS=$(
		{
			cat "$0" "$HERE/init.sh" "$HERE/kload.c" "$HERE/faultinject/faultinject.c" \
				"$HERE/faultinject/Kbuild"
			echo "$CORE_FUNCTIONS"
		} | sha256sum | cut -c1-12
	)
	build_guest
	case "${1:-}" in
	--bench) bench "${2:-5}" ;;
	"") capture ;;
	*) die "usage: $0 [--bench N]" ;;
	esac
	say "done in $((SECONDS - T0)) s"
}

# On one line, so bash never reads past it: the file may change while a capture runs.
main "$@"; exit
