/* How n pages are split into chunks for a pool task: enough chunks per worker that a slow chunk does not
 * leave the others idle at the end, while each chunk stays long enough that claiming it is noise. Shared
 * by batches (runtime/batch.c) and the page store's compression (store/store_compress.c). */
#ifndef TZ_CHUNKS_H
#define TZ_CHUNKS_H

#include <stdint.h>

#define TZ_CHUNKS_PER_WORKER 8
#define TZ_MIN_CHUNK_PAGES 16
#define TZ_MAX_CHUNK_PAGES 256

static inline int32_t tz_chunk_pages(int32_t n, int32_t workers) {
    int32_t pages = n / (workers * TZ_CHUNKS_PER_WORKER);
    if (pages < TZ_MIN_CHUNK_PAGES) pages = TZ_MIN_CHUNK_PAGES;
    if (pages > TZ_MAX_CHUNK_PAGES) pages = TZ_MAX_CHUNK_PAGES;
    return pages;
}

static inline int32_t tz_chunk_count(int32_t n, int32_t chunk_pages) { return (n + chunk_pages - 1) / chunk_pages; }

/* Chunk `chunk` covers pages [*first, *end) of n. */
static inline void tz_chunk_range(int32_t chunk, int32_t chunk_pages, int32_t n, int32_t *first, int32_t *end) {
    *first = chunk * chunk_pages;
    *end = *first + chunk_pages < n ? *first + chunk_pages : n;
}

#endif
