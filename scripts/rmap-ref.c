/*
 * The rmap model of app/engine/model/rmap.ts and the random workload of
 * app/engine/run/workload.ts, written in plain C as a reference for
 * `npm run bench`: the same two pte_list_add()/pte_list_remove() algorithms over
 * the same encoding (a head holds 0, spte id + 1, or a tagged descriptor index;
 * descriptors of PTE_LIST_EXT 14 32-bit slots, 64 bytes each), the same
 * mulberry32 draws (docs/scenario.md "Workload ops"), applied in the same gfn by
 * gfn order (each gfn's adds in drawn order, then its removals). It prints the
 * same results the engine reaches, and the time the op took (wall and CPU), as
 * one JSON line.
 *
 *   rmap-ref append|head-insert SPTES GFNS SEED REMOVE_PERCENT DESC_BYTES
 *
 * Build: gcc -O2 -o rmap-ref scripts/rmap-ref.c (the bench does this itself).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define PTE_LIST_EXT 14
#define RMAP_RECYCLE_THRESHOLD 1000
#define KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE 40
#define PTE_LIST_DESC_TOPUP_MIN 14 /* 1 + PT64_ROOT_MAX_LEVEL + PTE_PREFETCH_NUM */
#define PAGE_HEADER_TOPUP_MIN 5    /* PT64_ROOT_MAX_LEVEL */

struct desc {
	uint32_t more; /* next descriptor index + 1; 0 ends the chain (and the free list) */
	uint16_t spte_count;
	uint16_t tail_count;
	uint32_t sptes[PTE_LIST_EXT]; /* spte id + 1 */
};

/* A head: 0 empty, (spte id + 1) << 1 one spte, desc index << 1 | 1 a chain. */
static uint32_t *heads;
static struct desc *pool;
static uint32_t pool_used, free_descs;
static uint64_t nheads, nsptes, ndescs, allocations, recycled;
static int head_insert;

static uint32_t mix(uint32_t a)
{
	uint32_t t = a;
	t = (t ^ (t >> 15)) * (t | 1);
	t ^= t + (t ^ (t >> 7)) * (t | 61);
	return t ^ (t >> 14);
}

/* The k-th output of mulberry32(seed): its state advances by a constant. */
static uint32_t draw(uint32_t seed, uint32_t k)
{
	return mix(seed + (k + 1) * 0x6d2b79f5u);
}

static double unit(uint32_t u)
{
	return (double)u / 4294967296.0;
}

static uint32_t alloc_desc(void)
{
	uint32_t d;
	ndescs++;
	allocations++;
	if (free_descs) {
		d = free_descs - 1;
		free_descs = pool[d].more;
	} else {
		d = pool_used++;
	}
	memset(&pool[d], 0, sizeof(pool[d]));
	return d;
}

static void free_desc(uint32_t d)
{
	ndescs--;
	pool[d].more = free_descs;
	free_descs = d + 1;
}

/* Returns the count pte_list_add() returns: the entries before this one. */
static uint32_t pte_list_add(uint32_t *head, uint32_t spte)
{
	uint32_t h = *head, count = 0;
	struct desc *desc;
	if (!h) {
		*head = (spte + 1) << 1;
		nheads++;
		return 0;
	}
	if (!(h & 1)) {
		uint32_t d = alloc_desc();
		desc = &pool[d];
		desc->sptes[0] = h >> 1;
		desc->sptes[1] = spte + 1;
		desc->spte_count = 2;
		*head = d << 1 | 1;
		return 1;
	}
	desc = &pool[h >> 1];
	if (!head_insert) {
		while (desc->spte_count == PTE_LIST_EXT) {
			count += PTE_LIST_EXT;
			if (!desc->more) {
				uint32_t d = alloc_desc();
				desc->more = d + 1;
				desc = &pool[d];
				break;
			}
			desc = &pool[desc->more - 1];
		}
		count += desc->spte_count;
	} else {
		count = desc->tail_count + desc->spte_count;
		if (desc->spte_count == PTE_LIST_EXT) {
			uint32_t d = alloc_desc();
			pool[d].more = (h >> 1) + 1;
			pool[d].tail_count = count;
			*head = d << 1 | 1;
			desc = &pool[d];
		}
	}
	desc->sptes[desc->spte_count++] = spte + 1;
	return count;
}

/* pte_list_remove(); 0 when the spte is not in the rmap (zapped by recycling). */
static int pte_list_remove(uint32_t *head, uint32_t spte)
{
	uint32_t h = *head, want = spte + 1, d, prev = 0;
	int i, found = -1;
	struct desc *desc = NULL;
	if (!h)
		return 0;
	if (!(h & 1)) {
		if (h >> 1 != want)
			return 0;
		*head = 0;
		nheads--;
		return 1;
	}
	for (d = (h >> 1) + 1; d; prev = d, d = desc->more) {
		desc = &pool[d - 1];
		for (i = 0; i < desc->spte_count; i++)
			if (desc->sptes[i] == want) {
				found = i;
				break;
			}
		if (found >= 0)
			break;
	}
	if (found < 0)
		return 0;
	if (!head_insert) {
		/* The same descriptor's last entry fills the hole; an emptied one is unlinked. */
		uint32_t j = --desc->spte_count;
		desc->sptes[found] = desc->sptes[j];
		desc->sptes[j] = 0;
		if (j == 0) {
			uint32_t next = desc->more;
			if (prev)
				pool[prev - 1].more = next;
			else
				*head = next ? (next - 1) << 1 | 1 : 0;
			free_desc(d - 1);
		}
	} else {
		/* The head descriptor's last entry fills the hole; an emptied head is popped. */
		struct desc *hd = &pool[h >> 1];
		uint32_t j = --hd->spte_count;
		desc->sptes[found] = hd->sptes[j];
		hd->sptes[j] = 0;
		if (j == 0) {
			uint32_t next = hd->more;
			*head = next ? (next - 1) << 1 | 1 : 0;
			free_desc(h >> 1);
		}
	}
	if (!*head)
		nheads--;
	return 1;
}

/* kvm_zap_all_rmap_sptes(): frees the chain and empties the head. */
static void zap_all(uint32_t *head)
{
	uint32_t h = *head;
	if (h & 1)
		for (uint32_t d = (h >> 1) + 1; d;) {
			uint32_t next = pool[d - 1].more;
			free_desc(d - 1);
			d = next;
		}
	if (h)
		nheads--;
	*head = 0;
}

static uint32_t fnv(uint32_t h, uint32_t x)
{
	return (h ^ x) * 16777619u;
}

#define GROUP_BITS 11

static uint32_t M_, G_, seed_;
static double remove_percent_;
static uint8_t *allocated;

/* The gfn add draw k picks: floor(r() * G) as the contract computes it, in doubles. */
static uint32_t gfn_of(uint32_t k)
{
	return (uint32_t)floor(unit(draw(seed_, k)) * G_);
}

/* One gfn's adds in drawn order, then the removals drawn for them. */
static void apply_gfn(uint32_t gfn, const uint32_t *keys, uint32_t from, uint32_t to)
{
	uint32_t *head = &heads[gfn];
	for (uint32_t j = from; j < to; j++) {
		uint32_t k = keys[j];
		uint64_t before = allocations;
		uint32_t count = pte_list_add(head, k);
		nsptes++;
		if (allocations != before)
			allocated[k >> 3] |= 1 << (k & 7);
		if (count > RMAP_RECYCLE_THRESHOLD) {
			zap_all(head);
			nsptes -= count + 1;
			recycled += count + 1;
		}
	}
	/* The removal pass's draws follow the add pass's M. */
	for (uint32_t j = from; j < to; j++) {
		uint32_t k = keys[j];
		if (unit(draw(seed_, M_ + k)) * 100 < remove_percent_ && pte_list_remove(head, k))
			nsptes--;
	}
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fputs("usage: rmap-ref append|head-insert SPTES GFNS SEED REMOVE_PERCENT DESC_BYTES\n",
		      stderr);
		return 2;
	}
	head_insert = !strcmp(argv[1], "head-insert");
	uint32_t M = strtoul(argv[2], NULL, 10), G = strtoul(argv[3], NULL, 10);
	uint32_t seed = strtoul(argv[4], NULL, 10);
	double remove_percent = strtod(argv[5], NULL);
	uint64_t desc_bytes = strtoull(argv[6], NULL, 10);

	struct timespec t0, t1, c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	M_ = M;
	G_ = G;
	seed_ = seed;
	remove_percent_ = remove_percent;
	/* Draws are grouped by the top GROUP_BITS of their gfn (a write stream per group stays in
	   cache), then each group is sorted by the rest of the gfn, stably so that each gfn keeps
	   its draws in drawn order. A draw's gfn is computed again rather than stored. */
	int bits = 32 - __builtin_clz(G > 1 ? G - 1 : 1);
	int shift = bits > GROUP_BITS ? bits - GROUP_BITS : 0;
	uint32_t groups = ((G - 1) >> shift) + 1, low_values = 1u << shift;
	heads = calloc(G, sizeof(*heads));
	uint32_t *group_starts = calloc((size_t)groups + 1, sizeof(uint32_t));
	uint32_t *order = malloc((size_t)M * sizeof(*order));
	uint32_t *local_starts = malloc(((size_t)low_values + 1) * sizeof(uint32_t));
	uint32_t *local = NULL;
	allocated = calloc(((size_t)M + 7) / 8, 1);
	/* Every live descriptor holds an spte, so M of them always suffice; untouched pages of
	   this reservation are never faulted in, as the engine's 64Ki-descriptor segments. */
	pool = malloc((size_t)M * sizeof(*pool));
	if (!pool || !heads || !group_starts || !order || !local_starts || !allocated) {
		fputs("out of memory\n", stderr);
		return 1;
	}
	for (uint32_t k = 0; k < M; k++)
		group_starts[(gfn_of(k) >> shift) + 1]++;
	uint32_t largest = 0;
	for (uint32_t g = 0; g < groups; g++) {
		if (group_starts[g + 1] > largest)
			largest = group_starts[g + 1];
		group_starts[g + 1] += group_starts[g];
	}
	for (uint32_t k = 0; k < M; k++)
		order[group_starts[gfn_of(k) >> shift]++] = k;
	local = malloc(((size_t)largest + 1) * sizeof(*local));
	/* group_starts[g] now ends group g. */
	for (uint32_t g = 0, from = 0; g < groups; from = group_starts[g++]) {
		uint32_t to = group_starts[g], n = to - from;
		memset(local_starts, 0, ((size_t)low_values + 1) * sizeof(uint32_t));
		for (uint32_t j = from; j < to; j++)
			local_starts[(gfn_of(order[j]) & (low_values - 1)) + 1]++;
		for (uint32_t v = 0; v < low_values; v++)
			local_starts[v + 1] += local_starts[v];
		for (uint32_t j = from; j < to; j++)
			local[local_starts[gfn_of(order[j]) & (low_values - 1)]++] = order[j];
		for (uint32_t v = 0, at = 0; v < low_values && at < n; at = local_starts[v++])
			if (local_starts[v] > at)
				apply_gfn(g << shift | v, local, at, local_starts[v]);
	}
	/* The vCPU's descriptor cache, charged in fault order: topped up to 40 below the minimum. */
	int64_t vcpu_descs = 0, vcpu_page_headers = 0;
	for (uint32_t k = 0; k < M; k++) {
		if (vcpu_descs < PTE_LIST_DESC_TOPUP_MIN)
			vcpu_descs = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
		if (vcpu_page_headers < PAGE_HEADER_TOPUP_MIN)
			vcpu_page_headers = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
		vcpu_descs -= (allocated[k >> 3] >> (k & 7)) & 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);

	/* Every chain in gfn order: gfn, then the spte, or each descriptor's counts and slots. */
	uint32_t checksum = 2166136261u;
	for (uint32_t g = 0; g < G; g++) {
		uint32_t h = heads[g];
		if (!h)
			continue;
		checksum = fnv(checksum, g);
		if (!(h & 1)) {
			checksum = fnv(checksum, (h >> 1) - 1);
			continue;
		}
		for (uint32_t d = (h >> 1) + 1; d; d = pool[d - 1].more) {
			struct desc *desc = &pool[d - 1];
			checksum = fnv(checksum, desc->spte_count);
			checksum = fnv(checksum, desc->tail_count);
			for (int i = 0; i < desc->spte_count; i++)
				checksum = fnv(checksum, desc->sptes[i] - 1);
		}
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"ms\":%.3f,\"cpuMs\":%.3f,\"peakRssMb\":%.1f,\"result\":{\"heads\":%llu,\"sptes\":%llu,"
	       "\"descs\":%llu,\"bytes\":%llu,\"recycled\":%llu,\"vcpuCacheDescs\":%lld,"
	       "\"vcpuCachePageHeaders\":%lld,\"checksum\":%u}}\n",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6, ru.ru_maxrss / 1024.0,
	       (unsigned long long)nheads, (unsigned long long)nsptes, (unsigned long long)ndescs,
	       (unsigned long long)(ndescs * desc_bytes), (unsigned long long)recycled,
	       (long long)vcpu_descs, (long long)vcpu_page_headers, checksum);
	return 0;
}
