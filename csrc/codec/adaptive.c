/*
 * Adaptive: a per-page choice between LZ4 and Zstandard-1 (same-filled pages never get here).
 *
 * Rule: run LZ4 (acceleration 1) as a cheap trial. When the trial leaves the page at most
 * LZ4_GOOD_ENOUGH bytes, keep it: Zstandard would save little in absolute bytes and cost several times
 * the time. Otherwise the page has structure LZ4 misses (or none at all); try Zstandard-1 and keep the
 * smaller of the two. Pages neither codec shrinks below the caller's cap are stored RAW by the caller.
 */
#include <string.h>

#include "trueno_zram.h"
#include "tz_codec.h"

#define LZ4_GOOD_ENOUGH 1024

int32_t tz_adaptive_compress(tz_codec_state *state, const tz_scan_ops *ops, const uint8_t *page,
                             uint8_t *dst, int32_t cap, uint8_t *kind) {
    (void)ops;
    int32_t lz4_size = tz_lz4_compress(state, page, dst, cap, 1);
    if (lz4_size > 0 && lz4_size <= LZ4_GOOD_ENOUGH) {
        *kind = TZ_KIND_LZ4;
        return lz4_size;
    }
    int32_t zstd_cap = lz4_size > 0 ? lz4_size - 1 : cap;
    int32_t zstd_size = tz_zstd_compress(state, page, state->scratch, zstd_cap);
    if (zstd_size > 0) {
        memcpy(dst, state->scratch, (size_t)zstd_size);
        *kind = TZ_KIND_ZSTD;
        return zstd_size;
    }
    *kind = TZ_KIND_LZ4;
    return lz4_size;
}
