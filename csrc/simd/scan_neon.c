/* NEON (AdvSIMD) versions of the page loops for aarch64, where AdvSIMD is part of the base ISA. */
#include "trueno_zram.h"
#include "tz_scan.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

/* 1 when every 16-byte block of the page equals `fill`; checks 256 bytes per early-exit test. */
static int page_equals(const uint8_t *page, uint8x16_t fill) {
    for (size_t i = 0; i < TZ_PAGE_SIZE; i += 256) {
        const uint8_t *p = page + i;
        uint8x16_t diff = veorq_u8(vld1q_u8(p), fill);
        for (int k = 1; k < 16; k++) diff = vorrq_u8(diff, veorq_u8(vld1q_u8(p + 16 * k), fill));
        if (vmaxvq_u8(diff) != 0) return 0;
    }
    return 1;
}

static int same_word(const uint8_t *page, uint64_t *pattern) {
    uint64_t first;
    memcpy(&first, page, sizeof first);
    if (!page_equals(page, vreinterpretq_u8_u64(vdupq_n_u64(first)))) return 0;
    *pattern = first;
    return 1;
}

static int same_byte(const uint8_t *page, uint8_t *byte) {
    if (!page_equals(page, vdupq_n_u8(page[0]))) return 0;
    *byte = page[0];
    return 1;
}

static int is_zero(const uint8_t *page) { return page_equals(page, vdupq_n_u8(0)); }

/* Vector loads feed eight count tables (one per byte lane of a 64-bit word); the tables are summed
 * with vector adds. */
static void histogram(const uint8_t *data, size_t len, uint32_t counts[256]) {
    uint32_t t[8][256];
    memset(t, 0, sizeof t);
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        uint64x2_t v = vreinterpretq_u64_u8(vld1q_u8(data + i));
        uint64_t w[2] = {vgetq_lane_u64(v, 0), vgetq_lane_u64(v, 1)};
        for (int k = 0; k < 2; k++) {
            uint64_t x = w[k];
            t[0][x & 0xff]++;
            t[1][(x >> 8) & 0xff]++;
            t[2][(x >> 16) & 0xff]++;
            t[3][(x >> 24) & 0xff]++;
            t[4][(x >> 32) & 0xff]++;
            t[5][(x >> 40) & 0xff]++;
            t[6][(x >> 48) & 0xff]++;
            t[7][x >> 56]++;
        }
    }
    for (; i < len; i++) t[0][data[i]]++;
    for (int b = 0; b < 256; b += 4) {
        uint32x4_t sum = vld1q_u32(&t[0][b]);
        for (int k = 1; k < 8; k++) sum = vaddq_u32(sum, vld1q_u32(&t[k][b]));
        vst1q_u32(&counts[b], sum);
    }
}

static const tz_scan_ops neon_ops = {TZ_BACKEND_NEON, same_word, same_byte, is_zero, histogram};
const tz_scan_ops *const tz_scan_neon_ops = &neon_ops;
#else
const tz_scan_ops *const tz_scan_neon_ops = NULL;
#endif
