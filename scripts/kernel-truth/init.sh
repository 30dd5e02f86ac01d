#!/bin/busybox sh
# /init of the initramfs scripts/kernel-truth.sh builds. Loads irqbypass, kvm and kvm_amd
# under ftrace's function_graph tracer, optionally with one forced failure, and writes what
# it saw to the second serial port in sections ("@@@ section NAME" ... "@@@ end") that the
# host splits into files. The kernel command line says what to do:
#   ktruth.fault=FUNC,RETVAL,NTH[,MODULE]  load faultinject.ko before kvm_amd so that call NTH
#                                          of FUNC (made by the loader) returns RETVAL
#   ktruth.tracer=trace-cmd                record kvm_amd's load the way docs/ground-truth.md
#                                          tells users to, with trace-cmd (no tracefs setup)
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing
T=/sys/kernel/tracing
exec 3>/dev/ttyS1

# Each section header carries the guest's uptime, so the host can tell where the time goes.
begin() {
	read -r up _ </proc/uptime
	echo "@@@ section $1 @ $up" >&3
}
end() { echo "@@@ end" >&3; }
fail() {
	begin error
	echo "$1" >&3
	end
	poweroff -f
}

fault=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ktruth\.fault=//p')
tracer=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ktruth\.tracer=//p')

begin version
uname -r >&3
cat /proc/version >&3
end

# ccp is kvm_amd's dependency and not part of what is compared: loaded before tracing starts.
kload /lib/modules/ccp.ko >/dev/null || fail "ccp.ko did not load"

# Filters are set before any insmod: :mod: filters for modules not loaded yet apply when
# they load (their __init functions included). Of the core functions, those the kernel can
# trace are written at once (each write scans every function); the others (notrace, inlined,
# or not in this release) are reported.
trace_loads() {
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	for m in kvm kvm_amd irqbypass; do echo ":mod:$m" >>$T/set_ftrace_filter; done
	grep -xF -f /core-functions.txt $T/available_filter_functions >/core-traceable.txt
	begin filter-rejected
	grep -vxF -f /core-traceable.txt /core-functions.txt | grep . >&3
	end
	tr '\n' ' ' </core-traceable.txt >>$T/set_ftrace_filter
	echo $$ >$T/set_ftrace_pid
	echo 1 >$T/options/function-fork
	echo function_graph >$T/current_tracer
	echo 1 >$T/options/funcgraph-abstime
	echo 1 >$T/tracing_on
}
[ "$tracer" = trace-cmd ] || trace_loads

# The trace is read and cleared after each load: names are resolved when it is read, and
# kvm's freed __init text can be reused by the next module.
load() {
	name=$1
	shift
	begin "load $name"
	kload "/lib/modules/$name.ko" "$@" >&3
	echo "rc=$?" >&3
	end
	begin "trace $name"
	cat $T/trace >&3
	end
	echo >$T/trace
}

load irqbypass
load kvm
if [ "$tracer" = trace-cmd ]; then
	# The documented command, with kload in place of modprobe (no module tree here).
	begin "load kvm-amd"
	trace-cmd record -q -o /trace.dat -p function_graph -g kvm_x86_vendor_init -g kvm_init \
		--max-graph-depth 6 \
		-F kload /lib/modules/kvm-amd.ko >&3 2>/trace-cmd.err
	echo "rc=$?" >&3
	end
	begin "trace kvm-amd"
	trace-cmd report -i /trace.dat >&3 2>>/trace-cmd.err
	end
	begin trace-cmd-errors
	cat /trace-cmd.err >&3
	end
elif [ -n "$fault" ]; then
	IFS=, read -r func retval nth module <<EOF
$fault
EOF
	load faultinject func="$func" retval="$retval" nth="$nth" comm=kload symbols_of=kvm_amd \
		${module:+in_module=$module}
fi
[ "$tracer" = trace-cmd ] || load kvm-amd
echo 0 >$T/tracing_on
if [ -r /proc/faultinject_symbols ]; then
	begin "symbols kvm-amd"
	cat /proc/faultinject_symbols >&3
	end
fi

# One grep for all of them ("/sys/module/kvm/parameters/npt:Y" -> "kvm.npt=Y").
begin params
grep -H '' /sys/module/kvm/parameters/* /sys/module/kvm_amd/parameters/* \
	/sys/module/faultinject/parameters/* 2>/dev/null |
	sed 's|^/sys/module/\([^/]*\)/parameters/\([^:]*\):|\1.\2=|' >&3
end

# A cache merged into another one is a symlink to the shared cache's directory.
begin slab
for c in pte_list_desc kvm_mmu_page_header; do
	d=/sys/kernel/slab/$c
	[ -e "$d" ] || {
		echo "$c.exists=0" >&3
		continue
	}
	target=$(basename "$(readlink -f "$d")")
	echo "$c.exists=1" >&3
	echo "$c.cache=$target" >&3
	for k in object_size objs_per_slab order aliases slab_size align; do
		echo "$c.$k=$(cat "$d/$k")" >&3
	done
	# One ls instead of a readlink per cache: every process costs milliseconds under TCG.
	echo "$c.names=$target $(ls -l /sys/kernel/slab | awk -v t="$target" '$(NF - 1) == "->" && $NF == t { printf "%s ", $(NF - 2) }')" >&3
done
end

begin dmesg
dmesg >&3
end
poweroff -f
