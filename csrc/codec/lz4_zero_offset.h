/* lz4_zero_offset.h: the one LZ4 rule the CPU path adds to liblz4 (header-only, also used by the tests
 * and fuzz targets as the reference's side of the rule). */
#ifndef TZ_LZ4_ZERO_OFFSET_H
#define TZ_LZ4_ZERO_OFFSET_H

#include <stdint.h>

/* Reads a length field's 255-continuation run from src[ip] on, adding it to *value. Returns the position
 * after it, or -1 past len or once the length exceeds a page (which no decodable block has). */
static inline int32_t tz_lz4_skip_length(const uint8_t *src, int32_t ip, int32_t len, int32_t *value) {
    uint8_t b;
    do {
        if (ip >= len || *value > 4096) return -1;
        b = src[ip++];
        *value += b;
    } while (b == 255);
    return ip;
}

/* 1 when a sequence of the block src[0..len) has match offset 0. The LZ4 format calls such a block
 * corrupted, but liblz4 decodes it (copying bytes of the output buffer onto themselves); the GPU step
 * rejects it, and the CPU path refuses such a block after liblz4 has decoded it, so both agree. Meant for
 * a block liblz4 has already decoded, but bounds-checked anyway. */
static inline int tz_lz4_has_zero_offset(const uint8_t *src, int32_t len) {
    int32_t ip = 0;
    while (ip < len) {
        int32_t token = src[ip++];
        int32_t literals = token >> 4;
        if (literals == 15 && (ip = tz_lz4_skip_length(src, ip, len, &literals)) < 0) return 0;
        ip += literals;
        if (ip >= len - 1) return 0; /* the last literals: no match follows */
        if (src[ip] == 0 && src[ip + 1] == 0) return 1;
        ip += 2;
        int32_t ignored = 0;
        if ((token & 15) == 15 && (ip = tz_lz4_skip_length(src, ip, len, &ignored)) < 0) return 0;
    }
    return 0;
}

#endif
