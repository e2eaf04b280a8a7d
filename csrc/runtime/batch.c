/* Batches of pages as chunked pool tasks. Chunk c covers pages [c*chunk_pages, ...) and packs their
 * stored bytes from arena offset c*chunk_pages*4096 on: a stored page is never larger than a page, so a
 * chunk never leaves its own region and chunks need no coordination. */
#include <string.h>

#include "trueno_zram.h"
#include "tz_batch.h"
#include "tz_chunks.h"
#include "tz_prefault.h"

static void chunk_range(const tz_batch_task *bt, int32_t chunk, int32_t *first, int32_t *end) {
    tz_chunk_range(chunk, bt->chunk_pages, bt->n, first, end);
}

static void compress_chunk(tz_task *task, int32_t chunk, tz_codec_state *state) {
    tz_batch_task *bt = (tz_batch_task *)task;
    const tz_compressor *c = bt->compressor;
    int32_t first, end;
    chunk_range(bt, chunk, &first, &end);
    int32_t cursor = first * TZ_PAGE_SIZE;
    int64_t total = 0;
    /* With pre-faulting on, [cursor, populated) is known resident; the region ends at region_end. */
    int prefault = tz_prefault_enabled();
    int32_t populated = cursor, region_end = end * TZ_PAGE_SIZE;
    for (int32_t i = first; i < end; i++) {
        if (prefault && cursor + TZ_PAGE_SIZE > populated) {
            int32_t next = populated + TZ_PREFAULT_STEP < region_end ? populated + TZ_PREFAULT_STEP : region_end;
            prefault = tz_prefault_range(bt->arena + populated, bt->arena + next);
            populated = next;
        }
        uint64_t pattern;
        int32_t size = tz_page_compress(&c->config, state, c->ops, bt->pages + (size_t)i * TZ_PAGE_SIZE,
                                        bt->raw_threshold, bt->entropy_limit, bt->arena + cursor,
                                        &bt->kinds[i], &pattern);
        bt->offsets[i] = cursor;
        bt->sizes[i] = size;
        memcpy(bt->patterns + (size_t)i * 8, &pattern, 8);
        cursor += size;
        total += size;
    }
    __atomic_fetch_add(&bt->result, total, __ATOMIC_RELAXED);
}

static void decompress_chunk(tz_task *task, int32_t chunk, tz_codec_state *state) {
    tz_batch_task *bt = (tz_batch_task *)task;
    int32_t first, end;
    chunk_range(bt, chunk, &first, &end);
    int64_t failed = 0;
    for (int32_t i = first; i < end; i++) {
        uint8_t *page = bt->out + (size_t)i * TZ_PAGE_SIZE;
        /* An empty arena may come as NULL (then every size is 0 and only SAME pages can decode). */
        const uint8_t *src = bt->src_arena != NULL ? bt->src_arena + bt->src_offsets[i] : NULL;
        int32_t status = tz_page_decompress(state, bt->src_kinds[i], src, bt->src_sizes[i],
                                            bt->src_patterns + (size_t)i * 8, page);
        if (status != TZ_OK) {
            memset(page, 0, TZ_PAGE_SIZE);
            failed++;
        }
        bt->status[i] = status;
    }
    __atomic_fetch_add(&bt->result, failed, __ATOMIC_RELAXED);
}

static void init_task(tz_batch_task *bt, const tz_compressor *c, int32_t n,
                      void (*run_chunk)(tz_task *, int32_t, tz_codec_state *)) {
    memset(bt, 0, sizeof *bt);
    bt->compressor = c;
    bt->n = n;
    bt->chunk_pages = tz_chunk_pages(n, c->pool.worker_count);
    bt->task.chunk_count = tz_chunk_count(n, bt->chunk_pages);
    bt->task.run_chunk = run_chunk;
}

int32_t tz_batch_prepare_compress(tz_batch_task *bt, const tz_compressor *c, const uint8_t *pages,
                                  int32_t n, int32_t raw_threshold, double entropy_limit, uint8_t *arena,
                                  int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                  uint8_t *patterns) {
    int32_t status = tz_check_route_args(raw_threshold, entropy_limit);
    if (status != TZ_OK) return status;
    if (n < 0 || n > TZ_MAX_BATCH_PAGES) return TZ_E_INVALID;
    if (n > 0 && (pages == NULL || arena == NULL || offsets == NULL || sizes == NULL || kinds == NULL ||
                  patterns == NULL))
        return TZ_E_INVALID;
    if ((int64_t)arena_cap < (int64_t)n * TZ_PAGE_SIZE) return TZ_E_BUFFER_TOO_SMALL;
    init_task(bt, c, n, compress_chunk);
    bt->pages = pages;
    bt->raw_threshold = raw_threshold;
    bt->entropy_limit = entropy_limit;
    bt->arena = arena;
    bt->offsets = offsets;
    bt->sizes = sizes;
    bt->kinds = kinds;
    bt->patterns = patterns;
    return TZ_OK;
}

int32_t tz_batch_prepare_decompress(tz_batch_task *bt, const tz_compressor *c, const uint8_t *arena,
                                    int32_t arena_len, const int32_t *offsets, const int32_t *sizes,
                                    const uint8_t *kinds, const uint8_t *patterns, int32_t n, uint8_t *out,
                                    int32_t out_cap, int32_t *status) {
    if (n < 0 || n > TZ_MAX_BATCH_PAGES || arena_len < 0) return TZ_E_INVALID;
    if (n > 0 && ((arena == NULL && arena_len > 0) || offsets == NULL || sizes == NULL || kinds == NULL ||
                  patterns == NULL || out == NULL || status == NULL))
        return TZ_E_INVALID;
    if ((int64_t)out_cap < (int64_t)n * TZ_PAGE_SIZE) return TZ_E_BUFFER_TOO_SMALL;
    /* Every page's bytes must lie inside the arena before anything is decoded. */
    for (int32_t i = 0; i < n; i++) {
        if (offsets[i] < 0 || sizes[i] < 0 || (int64_t)offsets[i] + sizes[i] > arena_len) return TZ_E_INVALID;
    }
    init_task(bt, c, n, decompress_chunk);
    bt->src_arena = arena;
    bt->src_offsets = offsets;
    bt->src_sizes = sizes;
    bt->src_kinds = kinds;
    bt->src_patterns = patterns;
    bt->out = out;
    bt->status = status;
    return TZ_OK;
}

int32_t tz_batch_run(tz_compressor *c, tz_batch_task *bt) {
    /* The calling thread runs chunks too; a one-chunk batch wakes no worker at all. */
    tz_pool_run(&c->pool, &bt->task);
    return (int32_t)bt->result;
}

TZ_API int32_t tz_compress_batch(int32_t handle, const uint8_t *pages, int32_t n, int32_t raw_threshold,
                                 double entropy_limit, uint8_t *arena, int32_t arena_cap, int32_t *offsets,
                                 int32_t *sizes, uint8_t *kinds, uint8_t *patterns) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    tz_batch_task bt;
    int32_t result = tz_batch_prepare_compress(&bt, c, pages, n, raw_threshold, entropy_limit, arena,
                                               arena_cap, offsets, sizes, kinds, patterns);
    if (result == TZ_OK) result = tz_batch_run(c, &bt);
    tz_compressor_release(handle);
    return result;
}

TZ_API int32_t tz_decompress_batch(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                   const int32_t *offsets, const int32_t *sizes, const uint8_t *kinds,
                                   const uint8_t *patterns, int32_t n, uint8_t *out, int32_t out_cap,
                                   int32_t *status) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    tz_batch_task bt;
    int32_t result = tz_batch_prepare_decompress(&bt, c, arena, arena_len, offsets, sizes, kinds, patterns,
                                                 n, out, out_cap, status);
    if (result == TZ_OK) result = tz_batch_run(c, &bt);
    tz_compressor_release(handle);
    return result;
}
