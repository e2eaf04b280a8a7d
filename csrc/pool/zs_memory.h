/* The memory behind zspages: runs of 1..8 contiguous pages carved from mmap'd chunks. A freed run goes
 * back to the system (madvise DONTNEED) unless it is among the few kept warm for the next allocation,
 * so the process's resident memory follows the pool's pages_allocated. */
#ifndef TZ_ZS_MEMORY_H
#define TZ_ZS_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "zs_classes.h"

typedef struct tz_zs_chunk tz_zs_chunk;

/* The free runs of one length: warm ones still resident, cold ones already returned to the system. */
typedef struct tz_zs_runs {
    uint8_t **warm;
    uint8_t **cold;
    size_t warm_count;
    size_t cold_count;
    size_t capacity; /* of each stack: every run of this length ever carved fits */
} tz_zs_runs;

typedef struct tz_zs_memory {
    tz_zs_runs runs[TZ_ZS_MAX_ZSPAGE_PAGES + 1]; /* indexed by run length in pages */
    tz_zs_chunk *chunks;
} tz_zs_memory;

void tz_zs_memory_init(tz_zs_memory *m);
/* A run of `pages` pages, or NULL when the system has no memory left. */
uint8_t *tz_zs_memory_get(tz_zs_memory *m, uint32_t pages);
/* Takes a run back (never fails). */
void tz_zs_memory_put(tz_zs_memory *m, uint8_t *run, uint32_t pages);
/* Returns every warm run to the system (after compaction, so freed memory leaves at once). */
void tz_zs_memory_trim(tz_zs_memory *m);
/* Unmaps everything. */
void tz_zs_memory_destroy(tz_zs_memory *m);

#endif
