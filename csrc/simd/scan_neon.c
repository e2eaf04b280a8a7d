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

static const tz_scan_ops neon_ops = {TZ_BACKEND_NEON, same_word, same_byte, is_zero, tz_histogram_scalar};
const tz_scan_ops *const tz_scan_neon_ops = &neon_ops;
#else
const tz_scan_ops *const tz_scan_neon_ops = NULL;
#endif
