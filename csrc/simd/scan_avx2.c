/* AVX2 versions of the page loops, compiled with a target attribute so one build carries every
 * variant; only called after run-time detection says the CPU and OS support AVX2. */
#include "trueno_zram.h"
#include "tz_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define AVX2 __attribute__((target("avx2")))

/* 1 when every 32-byte block of the page equals `fill`; checks 256 bytes per early-exit test. */
AVX2 static int page_equals(const uint8_t *page, __m256i fill) {
    for (size_t i = 0; i < TZ_PAGE_SIZE; i += 256) {
        const __m256i *p = (const __m256i *)(page + i);
        __m256i diff = _mm256_xor_si256(_mm256_loadu_si256(p), fill);
        for (int k = 1; k < 8; k++) diff = _mm256_or_si256(diff, _mm256_xor_si256(_mm256_loadu_si256(p + k), fill));
        if (!_mm256_testz_si256(diff, diff)) return 0;
    }
    return 1;
}

AVX2 static int same_word(const uint8_t *page, uint64_t *pattern) {
    uint64_t first;
    memcpy(&first, page, sizeof first);
    if (!page_equals(page, _mm256_set1_epi64x((long long)first))) return 0;
    *pattern = first;
    return 1;
}

AVX2 static int same_byte(const uint8_t *page, uint8_t *byte) {
    if (!page_equals(page, _mm256_set1_epi8((char)page[0]))) return 0;
    *byte = page[0];
    return 1;
}

AVX2 static int is_zero(const uint8_t *page) { return page_equals(page, _mm256_setzero_si256()); }

static const tz_scan_ops avx2_ops = {TZ_BACKEND_AVX2, same_word, same_byte, is_zero, tz_histogram_scalar};
const tz_scan_ops *const tz_scan_avx2_ops = &avx2_ops;
#else
const tz_scan_ops *const tz_scan_avx2_ops = NULL;
#endif
