// SPDX-License-Identifier: GPL-2.0
/*
 * faultinject: makes one call of one kernel function return a chosen value
 * without running it, so a module load takes its real error path.
 *
 * Debian's kernel has neither fail_function nor failslab, but it has kprobes.
 * A kprobe at the function's entry counts the calls; on the nth one its
 * pre-handler sets the return register and resumes at a bare return, so the
 * caller sees the value as if the function had returned it. Written for
 * scripts/kernel-truth.sh (docs/ground-truth.md).
 *
 * Parameters:
 *   func       function to fail (required)
 *   retval     value it returns instead (e.g. -12 for -ENOMEM, 0 for NULL)
 *   nth        which call fails, counting from 1 (default 1)
 *   comm       count only calls made by a task with this name (default: any)
 *   in_module  the module that defines func, when it is not loaded yet: the
 *              probe is armed while that module is coming up, so its __init
 *              functions can be failed too
 *   symbols_of a module whose function addresses are kept if its load fails
 * Read back: calls (calls counted so far), fired (1 once the failure was forced),
 * and /proc/faultinject_symbols ("ADDRESS NAME" lines). ftrace resolves names when
 * the trace is read, and a module whose init failed is gone by then, so its
 * functions would show as bare addresses; the host names them from this list.
 */
#include <linux/atomic.h>
#include <linux/elf.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/ibt.h>
#include <asm/linkage.h>

static char *func;
module_param(func, charp, 0444);
static long retval;
module_param(retval, long, 0444);
static unsigned int nth = 1;
module_param(nth, uint, 0444);
static char *comm;
module_param(comm, charp, 0444);
static char *in_module;
module_param(in_module, charp, 0444);
static char *symbols_of;
module_param(symbols_of, charp, 0444);

static atomic_t calls_seen = ATOMIC_INIT(0);
static unsigned int calls;
module_param(calls, uint, 0444);
static unsigned int fired;
module_param(fired, uint, 0444);

/*
 * Where a skipped call resumes: a lone return, so the caller continues with the
 * return register the pre-handler set. It starts with ENDBR because its address
 * is taken; ASM_RET goes through the return thunk when the kernel uses one.
 */
void faultinject_return(void);
asm(".pushsection .text\n"
    ".type faultinject_return, @function\n"
    "faultinject_return:\n\t"
    ASM_ENDBR
    ASM_RET
    ".size faultinject_return, .-faultinject_return\n"
    ".popsection\n");

static int faultinject_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int n;

	if (comm && *comm && strcmp(current->comm, comm) != 0)
		return 0;
	n = atomic_inc_return(&calls_seen);
	calls = n;
	if (n != nth)
		return 0;
	fired = 1;
	pr_info("faultinject: %s call %u (%s) returns %ld\n", func, n, current->comm, retval);
	regs_set_return_value(regs, retval);
	instruction_pointer_set(regs, (unsigned long)faultinject_return);
	return 1;
}

static struct kprobe probe = { .pre_handler = faultinject_pre };
static bool armed;

static int arm(void)
{
	int err;

	probe.symbol_name = func;
	err = register_kprobe(&probe);
	if (err) {
		pr_err("faultinject: cannot probe %s: %d\n", func, err);
		return err;
	}
	armed = true;
	pr_info("faultinject: armed %s: call %u%s%s returns %ld\n", func, nth,
		comm && *comm ? " by " : "", comm && *comm ? comm : "", retval);
	return 0;
}

static void disarm(void)
{
	if (!armed)
		return;
	unregister_kprobe(&probe);
	armed = false;
}

/* Text symbols of a module about to be freed, as "ADDRESS NAME" lines. */
static char *symbols;
static size_t symbols_len;

static void keep_symbols(struct module *mod)
{
	struct mod_kallsyms *ks;
	size_t size = 0, used = 0;
	unsigned int i;

	rcu_read_lock_sched();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; i < ks->num_symtab; i++)
		size += 20 + strlen(ks->strtab + ks->symtab[i].st_name);
	kfree(symbols);
	symbols = kmalloc(size + 1, GFP_ATOMIC);
	for (i = 0; symbols && i < ks->num_symtab; i++) {
		char type = ks->typetab[i];

		if (type != 't' && type != 'T')
			continue;
		used += scnprintf(symbols + used, size + 1 - used, "%lx %s\n",
				  (unsigned long)ks->symtab[i].st_value,
				  ks->strtab + ks->symtab[i].st_name);
	}
	symbols_len = used;
	rcu_read_unlock_sched();
}

static int symbols_show(struct seq_file *m, void *v)
{
	if (symbols)
		seq_write(m, symbols, symbols_len);
	return 0;
}

static bool is(const char *param, struct module *mod)
{
	return param && *param && strcmp(mod->name, param) == 0;
}

static int faultinject_module_event(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (is(symbols_of, mod) && state == MODULE_STATE_GOING)
		keep_symbols(mod);
	if (!is(in_module, mod))
		return NOTIFY_DONE;
	if (state == MODULE_STATE_COMING && !armed)
		arm();
	else if (state == MODULE_STATE_GOING || state == MODULE_STATE_LIVE)
		disarm(); /* its __init text is about to be freed */
	return NOTIFY_DONE;
}

static struct notifier_block module_events = { .notifier_call = faultinject_module_event };

static bool watching(void)
{
	return (in_module && *in_module) || (symbols_of && *symbols_of);
}

static int __init faultinject_init(void)
{
	int err;

	if (!func || !*func) {
		pr_err("faultinject: func= is required\n");
		return -EINVAL;
	}
	if (!nth) {
		pr_err("faultinject: nth counts from 1\n");
		return -EINVAL;
	}
	if (!proc_create_single("faultinject_symbols", 0444, NULL, symbols_show))
		return -ENOMEM;
	err = watching() ? register_module_notifier(&module_events) : 0;
	if (!err && !(in_module && *in_module))
		err = arm();
	if (err) {
		if (watching())
			unregister_module_notifier(&module_events);
		remove_proc_entry("faultinject_symbols", NULL);
	}
	return err;
}

static void __exit faultinject_exit(void)
{
	if (watching())
		unregister_module_notifier(&module_events);
	disarm();
	remove_proc_entry("faultinject_symbols", NULL);
	kfree(symbols);
}

module_init(faultinject_init);
module_exit(faultinject_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Forces one call of a kernel function to return a chosen value");
