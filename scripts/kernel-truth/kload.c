/*
 * kload: loads one kernel module with a single finit_module() call and reports
 * the result. busybox insmod retries with init_module() when finit_module()
 * fails, which runs the module's init a second time and hides (or doubles) a
 * failure the fault injector forced; this loader never retries.
 *
 * Usage: kload MODULE.ko [PARAM=VALUE ...]
 * Prints "kload: MODULE.ko: 0" or "kload: MODULE.ko: -ERRNO (name)" and exits
 * with 0 on success, 1 when the kernel refused the module, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t used = 0;
	int fd;
	long rc;

	if (argc < 2) {
		fprintf(stderr, "usage: kload MODULE.ko [PARAM=VALUE ...]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);
		if (used + len + 2 > sizeof(params)) {
			fprintf(stderr, "kload: parameters longer than %zu bytes\n", sizeof(params));
			return 2;
		}
		if (used)
			params[used++] = ' ';
		memcpy(params + used, argv[i], len + 1);
		used += len;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kload: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	rc = syscall(SYS_finit_module, fd, params, 0);
	if (rc == 0) {
		printf("kload: %s: 0\n", argv[1]);
		return 0;
	}
	printf("kload: %s: -%d (%s)\n", argv[1], errno, strerror(errno));
	return 1;
}
