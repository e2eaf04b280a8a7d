/* LZ4 and LZ4-HC pages through liblz4, using the caller's preallocated state (the *_extState calls). */
#include <lz4.h>
#include <lz4hc.h>

#include "trueno_zram.h"
#include "tz_codec.h"

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

/* Reads a length field's 255-continuation run from src[ip] on, adding it to *value. Returns the position
 * after it, or -1 past len or once the length exceeds a page (which no decodable block has). */
static int32_t skip_length(const uint8_t *src, int32_t ip, int32_t len, int32_t *value) {
    uint8_t b;
    do {
        if (ip >= len || *value > TZ_PAGE_SIZE) return -1;
        b = src[ip++];
        *value += b;
    } while (b == 255);
    return ip;
}

/* 1 when a sequence of the block src[0..len) has match offset 0. The LZ4 format calls such a block
 * corrupted, but liblz4 decodes it, copying bytes of the output buffer onto themselves (so the result
 * would depend on what `out` held before); the GPU step rejects it, and this makes the CPU path agree. */
static int has_zero_offset(const uint8_t *src, int32_t len) {
    int32_t ip = 0;
    while (ip < len) {
        int32_t token = src[ip++];
        int32_t literals = token >> 4;
        if (literals == 15 && (ip = skip_length(src, ip, len, &literals)) < 0) return 0;
        ip += literals;
        if (ip >= len - 1) return 0; /* the last literals: no match follows */
        if (src[ip] == 0 && src[ip + 1] == 0) return 1;
        ip += 2;
        int32_t ignored = 0;
        if ((token & 15) == 15 && (ip = skip_length(src, ip, len, &ignored)) < 0) return 0;
    }
    return 0;
}

int32_t tz_lz4_decompress(const uint8_t *src, int32_t len, uint8_t *out) {
    if (len <= 0) return TZ_E_CORRUPTED;
    /* The safe decoder never reads past src+len nor writes past out+4096; a valid page fills it exactly. */
    int produced = LZ4_decompress_safe((const char *)src, (char *)out, len, TZ_PAGE_SIZE);
    return produced == TZ_PAGE_SIZE && !has_zero_offset(src, len) ? TZ_OK : TZ_E_CORRUPTED;
}
