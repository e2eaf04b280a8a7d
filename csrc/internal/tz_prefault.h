/* Bulk first touch of fresh batch output memory: instead of one page fault per 4 KiB page written, the
 * worker asks the kernel to populate the next stretch of its chunk's region in one call
 * (MADV_POPULATE_WRITE, Linux 5.14+). Off by default; tz_batch_prefault switches it for the process,
 * so the benchmark can compare both. */
#ifndef TZ_PREFAULT_H
#define TZ_PREFAULT_H

#include <stdint.h>

/* Bytes populated per call: 16 pages, so a chunk populates at most this much it does not write. */
#define TZ_PREFAULT_STEP (64 * 1024)

/* 1 when batch compress populates its output ahead of writing. */
int tz_prefault_enabled(void);
/* Populates [from, to) rounded out to whole pages (from, to inside one writable buffer). Returns 0 and
 * switches pre-faulting off for the process when the kernel does not support it. */
int tz_prefault_range(uint8_t *from, uint8_t *to);

#endif
