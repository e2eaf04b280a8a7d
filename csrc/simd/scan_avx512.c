/* AVX-512 (F + BW) versions of the page loops, compiled with a target attribute beside the others;
 * only called after run-time detection says the CPU and OS support them. */
#include "trueno_zram.h"
#include "tz_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

/* Clang 18+ also wants "evex512" for 512-bit vectors; gcc 12 does not know the name. */
#if defined(__clang__) && __clang_major__ >= 18
#define AVX512 __attribute__((target("avx512f,avx512bw,evex512")))
#else
#define AVX512 __attribute__((target("avx512f,avx512bw")))
#endif

/* 1 when every 64-byte block of the page equals `fill`; checks 512 bytes per early-exit test. */
AVX512 static int page_equals(const uint8_t *page, __m512i fill) {
    for (size_t i = 0; i < TZ_PAGE_SIZE; i += 512) {
        const uint8_t *p = page + i;
        __m512i diff = _mm512_xor_si512(_mm512_loadu_si512(p), fill);
        for (int k = 1; k < 8; k++)
            diff = _mm512_or_si512(diff, _mm512_xor_si512(_mm512_loadu_si512(p + 64 * k), fill));
        if (_mm512_test_epi64_mask(diff, diff)) return 0;
    }
    return 1;
}

AVX512 static int same_word(const uint8_t *page, uint64_t *pattern) {
    uint64_t first;
    memcpy(&first, page, sizeof first);
    if (!page_equals(page, _mm512_set1_epi64((long long)first))) return 0;
    *pattern = first;
    return 1;
}

AVX512 static int same_byte(const uint8_t *page, uint8_t *byte) {
    if (!page_equals(page, _mm512_set1_epi8((char)page[0]))) return 0;
    *byte = page[0];
    return 1;
}

AVX512 static int is_zero(const uint8_t *page) { return page_equals(page, _mm512_setzero_si512()); }

static const tz_scan_ops avx512_ops = {TZ_BACKEND_AVX512, same_word, same_byte, is_zero, tz_histogram_scalar};
const tz_scan_ops *const tz_scan_avx512_ops = &avx512_ops;
#else
const tz_scan_ops *const tz_scan_avx512_ops = NULL;
#endif
