/* Every vector variant of the page loops equals the scalar one, on every corpus page and on the
 * synthetic edge pages; unsupported backends say so. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

static const int32_t vector_backends[] = {TZ_BACKEND_AVX2, TZ_BACKEND_AVX512, TZ_BACKEND_NEON};
#define VECTOR_COUNT (sizeof vector_backends / sizeof vector_backends[0])

/* 1 when backend b gives the scalar answers on this page; 0 and *what set otherwise. */
static int variant_matches(const uint8_t *page, int32_t b, const char **what) {
    uint8_t ps[8] = {0}, pv[8] = {0}, bs = 0, bv = 0;
    int32_t ws = tz_same_fill_word(page, TZ_BACKEND_SCALAR, ps), wv = tz_same_fill_word(page, b, pv);
    if (ws != wv || memcmp(ps, pv, 8) != 0) return *what = "same_fill_word", 0;
    int32_t ys = tz_same_fill_byte(page, TZ_BACKEND_SCALAR, &bs), yv = tz_same_fill_byte(page, b, &bv);
    if (ys != yv || bs != bv) return *what = "same_fill_byte", 0;
    if (tz_is_zero(page, TZ_BACKEND_SCALAR) != tz_is_zero(page, b)) return *what = "is_zero", 0;
    uint32_t hs[256], hv[256];
    if (tz_histogram(page, PAGE, TZ_BACKEND_SCALAR, hs) != 0 || tz_histogram(page, PAGE, b, hv) != 0 ||
        memcmp(hs, hv, sizeof hs) != 0)
        return *what = "histogram", 0;
    if (tz_entropy(page, PAGE, TZ_BACKEND_SCALAR) != tz_entropy(page, PAGE, b)) return *what = "entropy", 0;
    return 1;
}

static void variants_equal_scalar_on_corpus(void) {
    size_t checked = 0;
    for (size_t v = 0; v < VECTOR_COUNT; v++) {
        if (tz_backend_supported(vector_backends[v]) != 1) continue;
        for (size_t f = 0; f < tz_corpus.file_count; f++) {
            const corpus_file *cf = &tz_corpus.files[f];
            for (size_t i = 0; i < cf->count; i++) {
                const char *what = "";
                int ok = variant_matches(cf->pages + i * PAGE, vector_backends[v], &what);
                if (!ok) fprintf(stderr, "  backend %d, %s page %zu: %s differs\n", vector_backends[v], cf->name, i, what);
                CHECK_AT(ok, i);
                checked++;
            }
        }
    }
    CHECK(tz_corpus.total_pages == 0 || checked > 0);
}

static void variants_equal_scalar_on_edge_pages(void) {
    size_t n;
    const edge_page *e = edge_pages(&n);
    for (size_t v = 0; v < VECTOR_COUNT; v++) {
        if (tz_backend_supported(vector_backends[v]) != 1) continue;
        for (size_t i = 0; i < n; i++) {
            const char *what = "";
            int ok = variant_matches(e[i].page, vector_backends[v], &what);
            if (!ok) fprintf(stderr, "  backend %d, %s: %s differs\n", vector_backends[v], e[i].name, what);
            CHECK_AT(ok, i);
        }
    }
}

static void edge_pages_give_the_expected_answers(void) {
    size_t n;
    const edge_page *e = edge_pages(&n);
    for (int32_t b = TZ_BACKEND_SCALAR; b <= TZ_BACKEND_NEON; b++) {
        if (tz_backend_supported(b) != 1) continue;
        for (size_t i = 0; i < n; i++) {
            uint8_t pattern[8], byte;
            CHECK_AT(tz_same_fill_word(e[i].page, b, pattern) == e[i].same_word, i);
            if (e[i].same_word) CHECK_AT(memcmp(pattern, e[i].page, 8) == 0, i);
            CHECK_AT(tz_same_fill_byte(e[i].page, b, &byte) == e[i].same_byte, i);
            if (e[i].same_byte) CHECK_AT(byte == e[i].page[0], i);
            CHECK_AT(tz_is_zero(e[i].page, b) == (e[i].same_byte && e[i].page[0] == 0), i);
        }
    }
}

static void histogram_any_length_equals_scalar(void) {
    uint8_t data[1000];
    uint64_t seed = 7;
    fill_random(data, sizeof data, &seed);
    for (int32_t b = TZ_BACKEND_AVX2; b <= TZ_BACKEND_NEON; b++) {
        if (tz_backend_supported(b) != 1) continue;
        for (int32_t len = 0; len <= 300; len++) {
            uint32_t hs[256], hv[256];
            CHECK_AT(tz_histogram(data + 1, len, TZ_BACKEND_SCALAR, hs) == 0, len);
            CHECK_AT(tz_histogram(data + 1, len, b, hv) == 0, len);
            CHECK_AT(memcmp(hs, hv, sizeof hs) == 0, len);
            uint32_t sum = 0;
            for (int k = 0; k < 256; k++) sum += hs[k];
            CHECK_AT(sum == (uint32_t)len, len);
        }
    }
}

static void entropy_known_values(void) {
    uint8_t page[PAGE];
    memset(page, 0x5a, PAGE);
    CHECK(tz_entropy(page, PAGE, TZ_BACKEND_AUTO) == 0.0);
    for (int i = 0; i < PAGE; i++) page[i] = (uint8_t)i;
    CHECK(fabs(tz_entropy(page, PAGE, TZ_BACKEND_AUTO) - 8.0) < 1e-12);
    for (int i = 0; i < PAGE; i++) page[i] = (uint8_t)(i & 1);
    CHECK(fabs(tz_entropy(page, PAGE, TZ_BACKEND_AUTO) - 1.0) < 1e-12);
    CHECK(tz_entropy(page, 0, TZ_BACKEND_AUTO) == 0.0);
    CHECK(tz_entropy(NULL, 0, TZ_BACKEND_AUTO) == 0.0);
    /* Longer than a page takes the logarithm path; 2 values equally often is still 1 bit. */
    static uint8_t big[3 * PAGE];
    for (int i = 0; i < 3 * PAGE; i++) big[i] = (uint8_t)(i & 1);
    CHECK(fabs(tz_entropy(big, 3 * PAGE, TZ_BACKEND_AUTO) - 1.0) < 1e-12);
}

static void bad_helper_arguments(void) {
    uint8_t page[PAGE] = {0}, pattern[8], byte;
    uint32_t counts[256];
    CHECK(tz_same_fill_word(NULL, TZ_BACKEND_AUTO, pattern) == TZ_E_INVALID);
    CHECK(tz_same_fill_word(page, TZ_BACKEND_AUTO, NULL) == TZ_E_INVALID);
    CHECK(tz_same_fill_byte(page, TZ_BACKEND_AUTO, NULL) == TZ_E_INVALID);
    CHECK(tz_is_zero(NULL, TZ_BACKEND_AUTO) == TZ_E_INVALID);
    CHECK(tz_histogram(page, -1, TZ_BACKEND_AUTO, counts) == TZ_E_INVALID);
    CHECK(tz_histogram(NULL, 5, TZ_BACKEND_AUTO, counts) == TZ_E_INVALID);
    CHECK(tz_histogram(page, 5, TZ_BACKEND_AUTO, NULL) == TZ_E_INVALID);
    CHECK(tz_entropy(page, -1, TZ_BACKEND_AUTO) == TZ_E_INVALID);
    CHECK(tz_is_zero(page, 9) == TZ_E_INVALID);
    CHECK(tz_is_zero(page, -2) == TZ_E_INVALID);
    for (int32_t b = TZ_BACKEND_SCALAR; b <= TZ_BACKEND_NEON; b++) {
        if (tz_backend_supported(b) == 1) continue;
        CHECK(tz_same_fill_word(page, b, pattern) == TZ_E_UNSUPPORTED);
        CHECK(tz_same_fill_byte(page, b, &byte) == TZ_E_UNSUPPORTED);
        CHECK(tz_is_zero(page, b) == TZ_E_UNSUPPORTED);
        CHECK(tz_histogram(page, PAGE, b, counts) == TZ_E_UNSUPPORTED);
        CHECK(tz_entropy(page, PAGE, b) == TZ_E_UNSUPPORTED);
    }
}

void tests_scan(void) {
    RUN(variants_equal_scalar_on_corpus);
    RUN(variants_equal_scalar_on_edge_pages);
    RUN(edge_pages_give_the_expected_answers);
    RUN(histogram_any_length_equals_scalar);
    RUN(entropy_known_values);
    RUN(bad_helper_arguments);
}
