/* Chunks of CHUNK_PAGES pages, each cut into runs of one length; runs are recycled per length. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "trueno_zram.h"
#include "zs_memory.h"

#define CHUNK_PAGES 64
/* Pages per run length kept resident after a free: reused without a page fault. */
#define WARM_PAGES 64

struct tz_zs_chunk {
    tz_zs_chunk *next;
    uint8_t *base;
};

void tz_zs_memory_init(tz_zs_memory *m) { memset(m, 0, sizeof *m); }

static int grow_stacks(tz_zs_runs *r, size_t capacity) {
    uint8_t **warm = realloc(r->warm, capacity * sizeof *warm);
    if (warm == NULL) return 0;
    r->warm = warm;
    uint8_t **cold = realloc(r->cold, capacity * sizeof *cold);
    if (cold == NULL) return 0;
    r->cold = cold;
    r->capacity = capacity;
    return 1;
}

/* Maps a new chunk and puts its runs on the warm stack (they are populated by the mapping). */
static int carve_chunk(tz_zs_memory *m, uint32_t pages) {
    tz_zs_runs *r = &m->runs[pages];
    size_t count = CHUNK_PAGES / pages;
    /* Both stacks have room for every run of this length ever carved, so a put never fails. */
    if (!grow_stacks(r, r->capacity + count)) return 0;
    tz_zs_chunk *chunk = malloc(sizeof *chunk);
    if (chunk == NULL) return 0;
    void *base = mmap(NULL, (size_t)CHUNK_PAGES * TZ_PAGE_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (base == MAP_FAILED) {
        free(chunk);
        return 0;
    }
    chunk->base = base;
    chunk->next = m->chunks;
    m->chunks = chunk;
    /* Pushed last to first, so the chunk is used from its start. */
    for (size_t i = count; i-- > 0;) r->warm[r->warm_count++] = chunk->base + i * pages * TZ_PAGE_SIZE;
    return 1;
}

uint8_t *tz_zs_memory_get(tz_zs_memory *m, uint32_t pages) {
    tz_zs_runs *r = &m->runs[pages];
    if (r->warm_count == 0 && r->cold_count == 0 && !carve_chunk(m, pages)) return NULL;
    if (r->warm_count > 0) return r->warm[--r->warm_count];
    return r->cold[--r->cold_count];
}

static void release(uint8_t *run, uint32_t pages) {
    madvise(run, (size_t)pages * TZ_PAGE_SIZE, MADV_DONTNEED);
}

void tz_zs_memory_put(tz_zs_memory *m, uint8_t *run, uint32_t pages) {
    tz_zs_runs *r = &m->runs[pages];
    if (r->warm_count * pages < WARM_PAGES) {
        r->warm[r->warm_count++] = run;
        return;
    }
    release(run, pages);
    r->cold[r->cold_count++] = run;
}

void tz_zs_memory_trim(tz_zs_memory *m) {
    for (uint32_t pages = 1; pages <= TZ_ZS_MAX_ZSPAGE_PAGES; pages++) {
        tz_zs_runs *r = &m->runs[pages];
        while (r->warm_count > 0) {
            uint8_t *run = r->warm[--r->warm_count];
            release(run, pages);
            r->cold[r->cold_count++] = run;
        }
    }
}

void tz_zs_memory_destroy(tz_zs_memory *m) {
    for (tz_zs_chunk *chunk = m->chunks, *next; chunk != NULL; chunk = next) {
        next = chunk->next;
        munmap(chunk->base, (size_t)CHUNK_PAGES * TZ_PAGE_SIZE);
        free(chunk);
    }
    for (uint32_t pages = 1; pages <= TZ_ZS_MAX_ZSPAGE_PAGES; pages++) {
        free(m->runs[pages].warm);
        free(m->runs[pages].cold);
    }
    memset(m, 0, sizeof *m);
}
