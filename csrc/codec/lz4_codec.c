/* LZ4 and LZ4-HC pages through liblz4, using the caller's preallocated state (the *_extState calls). */
#include <lz4.h>
#include <lz4hc.h>

#include "trueno_zram.h"
#include "tz_codec.h"
#include "lz4_zero_offset.h"

int32_t tz_lz4_compress(tz_codec_state *state, const uint8_t *page, uint8_t *dst, int32_t cap,
                        int32_t acceleration) {
    return LZ4_compress_fast_extState(state->lz4_state, (const char *)page, (char *)dst, TZ_PAGE_SIZE, cap,
                                      acceleration);
}

int32_t tz_lz4hc_compress(tz_codec_state *state, const uint8_t *page, uint8_t *dst, int32_t cap,
                          int32_t level) {
    return LZ4_compress_HC_extStateHC(state->lz4hc_state, (const char *)page, (char *)dst, TZ_PAGE_SIZE,
                                      cap, level);
}

int32_t tz_lz4_decompress(const uint8_t *src, int32_t len, uint8_t *out) {
    if (len <= 0) return TZ_E_CORRUPTED;
    /* The safe decoder never reads past src+len nor writes past out+4096; a valid page fills it exactly. */
    int produced = LZ4_decompress_safe((const char *)src, (char *)out, len, TZ_PAGE_SIZE);
    return produced == TZ_PAGE_SIZE && !tz_lz4_has_zero_offset(src, len) ? TZ_OK : TZ_E_CORRUPTED;
}
