/* One page in, one stored page out: the routing every compress path shares, and its inverse. */
#include <math.h>
#include <string.h>

#include "trueno_zram.h"
#include "tz_codec.h"

int32_t tz_check_route_args(int32_t raw_threshold, double entropy_limit) {
    if (raw_threshold < 1 || raw_threshold > TZ_PAGE_SIZE || isnan(entropy_limit)) return TZ_E_INVALID;
    return TZ_OK;
}

/* The configured codec's output for the page, in state->scratch (*result), or 0 for none. */
static int32_t run_algorithm(const tz_codec_config *cfg, tz_codec_state *state, const tz_scan_ops *ops,
                             const uint8_t *page, const uint8_t **result, uint8_t *kind) {
    *result = state->scratch;
    switch (cfg->algorithm) {
    case TZ_ALGO_LZ4:
        *kind = TZ_KIND_LZ4;
        return tz_lz4_compress(state, page, state->scratch, TZ_CODEC_BOUND, cfg->level);
    case TZ_ALGO_LZ4HC:
        *kind = TZ_KIND_LZ4;
        return tz_lz4hc_compress(state, page, state->scratch, TZ_CODEC_BOUND, cfg->level);
    case TZ_ALGO_ZSTD:
        *kind = TZ_KIND_ZSTD;
        return tz_zstd_compress(state->zstd_cctx, state->dict, page, state->scratch, TZ_CODEC_BOUND);
    case TZ_ALGO_ADAPTIVE:
        return tz_adaptive_compress(state, ops, page, result, kind);
    default: /* TZ_ALGO_NONE */
        return 0;
    }
}

int32_t tz_page_compress(const tz_codec_config *cfg, tz_codec_state *state, const tz_scan_ops *ops,
                         const uint8_t *page, int32_t raw_threshold, double entropy_limit, uint8_t *out,
                         uint8_t *kind, uint64_t *pattern) {
    *pattern = 0;
    if (ops->same_word(page, pattern)) {
        *kind = TZ_KIND_SAME;
        return 0;
    }
    int skip = 0;
    if (entropy_limit < 8.0) {
        uint32_t counts[256];
        ops->histogram(page, TZ_PAGE_SIZE, counts);
        skip = tz_entropy_from_histogram(counts, TZ_PAGE_SIZE) > entropy_limit;
    }
    if (!skip) {
        const uint8_t *result;
        int32_t size = run_algorithm(cfg, state, ops, page, &result, kind);
        if (size > 0 && size < raw_threshold) {
            memcpy(out, result, (size_t)size);
            return size;
        }
    }
    memcpy(out, page, TZ_PAGE_SIZE);
    *kind = TZ_KIND_RAW;
    return TZ_PAGE_SIZE;
}

static void fill_pattern(const uint8_t *pattern, uint8_t *out) {
    for (size_t i = 0; i < TZ_PAGE_SIZE; i += 8) memcpy(out + i, pattern, 8);
}

int32_t tz_page_decompress(tz_codec_state *state, int32_t kind, const uint8_t *src, int32_t len,
                           const uint8_t *pattern, uint8_t *out) {
    switch (kind) {
    case TZ_KIND_SAME:
        /* A SAME page stores no bytes: a size says the page is something else (as on the GPU path). */
        if (len != 0) return TZ_E_CORRUPTED;
        fill_pattern(pattern, out);
        return TZ_OK;
    case TZ_KIND_LZ4:
    case TZ_KIND_GPU_LZ4:
        return tz_lz4_decompress(src, len, out);
    case TZ_KIND_ZSTD:
        return tz_zstd_decompress(state, src, len, out);
    case TZ_KIND_RAW:
        if (len != TZ_PAGE_SIZE) return TZ_E_CORRUPTED;
        memcpy(out, src, TZ_PAGE_SIZE);
        return TZ_OK;
    default:
        return TZ_E_INVALID;
    }
}
