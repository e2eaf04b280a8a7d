/* Per page: SAME by the kernel rule; for ZSTD and LZ4-HC, RAW untried when a 1 KiB sample's entropy is
 * above the limit (a trial costs more than the check; the sample agrees with the whole page on the
 * corpus, see README); otherwise the codec, RAW when its output reaches TZ_STORE_HUGE_LEN. */
#include <string.h>

#include <zstd.h>

#include "trueno_zram.h"
#include "store_compress.h"
#include "tz_chunks.h"

/* The entropy sample: SAMPLE_BLOCKS blocks of SAMPLE_BLOCK bytes spread evenly over the page. */
#define SAMPLE_BLOCKS 4
#define SAMPLE_BLOCK 256

static double sampled_entropy(const tz_scan_ops *ops, const uint8_t *page) {
    uint32_t total[256] = {0}, block[256];
    for (int b = 0; b < SAMPLE_BLOCKS; b++) {
        ops->histogram(page + b * (TZ_PAGE_SIZE / SAMPLE_BLOCKS), SAMPLE_BLOCK, block);
        for (int v = 0; v < 256; v++) total[v] += block[v];
    }
    return tz_entropy_from_histogram(total, SAMPLE_BLOCKS * SAMPLE_BLOCK);
}

static void compress_page(const tz_store_compress_task *t, tz_codec_state *state, int32_t i) {
    const uint8_t *page = t->pages + (size_t)i * TZ_PAGE_SIZE;
    uint8_t *out = t->arena + (size_t)i * TZ_PAGE_SIZE;
    uint64_t pattern = 0;
    uint8_t kind, reason = TZ_STORE_RAW_NONE;
    int32_t size;
    if (t->ops->same_word(page, &pattern)) {
        kind = TZ_KIND_SAME;
        size = 0;
    } else if (t->route_by_entropy && sampled_entropy(t->ops, page) > t->entropy_limit) {
        memcpy(out, page, TZ_PAGE_SIZE);
        kind = TZ_KIND_RAW;
        size = TZ_PAGE_SIZE;
        reason = TZ_STORE_RAW_ENTROPY;
    } else {
        size = tz_page_compress(&t->config, state, t->ops, page, TZ_STORE_HUGE_LEN, 8.0, out, &kind, &pattern);
        if (kind == TZ_KIND_RAW) reason = TZ_STORE_RAW_HUGE;
    }
    t->offsets[i] = i * TZ_PAGE_SIZE;
    t->sizes[i] = size;
    t->kinds[i] = kind;
    t->reasons[i] = reason;
    memcpy(t->patterns + (size_t)i * 8, &pattern, 8);
}

static void set_zstd_level(tz_codec_state *state, int32_t level) {
    ZSTD_CCtx_setParameter(state->zstd_cctx, ZSTD_c_compressionLevel, level);
}

static void compress_chunk(tz_task *task, int32_t chunk, tz_codec_state *state) {
    tz_store_compress_task *t = (tz_store_compress_task *)task;
    int32_t first, end;
    tz_chunk_range(chunk, t->chunk_pages, t->n, &first, &end);
    /* A zstd level of this request only: set on the worker's context for the chunk, then put back. */
    int relevel = t->config.algorithm == TZ_ALGO_ZSTD && t->config.level != t->base_level;
    if (relevel) set_zstd_level(state, t->config.level);
    for (int32_t i = first; i < end; i++) compress_page(t, state, i);
    if (relevel) set_zstd_level(state, t->base_level);
}

int32_t tz_store_compress_prepare(tz_store_compress_task *t, const tz_compressor *c, const uint8_t *pages,
                                  int32_t n, int32_t level, double entropy_limit, uint8_t *arena,
                                  int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                  uint8_t *patterns, uint8_t *reasons) {
    if (n < 1 || n > TZ_MAX_BATCH_PAGES || entropy_limit != entropy_limit) return TZ_E_INVALID;
    if (pages == NULL || arena == NULL || offsets == NULL || sizes == NULL || kinds == NULL ||
        patterns == NULL || reasons == NULL)
        return TZ_E_INVALID;
    if ((int64_t)arena_cap < (int64_t)n * TZ_PAGE_SIZE) return TZ_E_BUFFER_TOO_SMALL;
    memset(t, 0, sizeof *t);
    t->config = c->config;
    t->base_level = c->config.level;
    if (level != 0) {
        if (c->config.algorithm != TZ_ALGO_LZ4 && c->config.algorithm != TZ_ALGO_LZ4HC &&
            c->config.algorithm != TZ_ALGO_ZSTD)
            return TZ_E_INVALID;
        int32_t status = tz_codec_config_make(c->config.algorithm, level, &t->config);
        if (status != TZ_OK) return status;
    }
    t->ops = c->ops;
    t->route_by_entropy = entropy_limit < 8.0 &&
                          (c->config.algorithm == TZ_ALGO_ZSTD || c->config.algorithm == TZ_ALGO_LZ4HC);
    t->entropy_limit = entropy_limit;
    t->n = n;
    t->chunk_pages = tz_chunk_pages(n, c->pool.worker_count);
    t->task.chunk_count = tz_chunk_count(n, t->chunk_pages);
    t->task.run_chunk = compress_chunk;
    t->pages = pages;
    t->arena = arena;
    t->offsets = offsets;
    t->sizes = sizes;
    t->kinds = kinds;
    t->patterns = patterns;
    t->reasons = reasons;
    return TZ_OK;
}
