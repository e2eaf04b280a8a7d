/* Single-page round trips of every algorithm, and the routing rules (SAME, entropy skip, raw threshold). */
#include <string.h>

#include <zstd.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

typedef struct algo_case {
    int32_t algorithm, level;
    size_t corpus_stride; /* slow levels take every k-th corpus page */
} algo_case;

static const algo_case cases[] = {
    {TZ_ALGO_NONE, 0, 1},   {TZ_ALGO_LZ4, 1, 1},      {TZ_ALGO_LZ4, 64, 4},    {TZ_ALGO_LZ4HC, 0, 16},
    {TZ_ALGO_LZ4HC, 12, 97}, {TZ_ALGO_ZSTD, 1, 1},    {TZ_ALGO_ZSTD, 3, 4},    {TZ_ALGO_ZSTD, 19, 211},
    {TZ_ALGO_ADAPTIVE, 0, 1},
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static int expected_kind_ok(int32_t algorithm, uint8_t kind) {
    switch (algorithm) {
    case TZ_ALGO_NONE: return kind == TZ_KIND_SAME || kind == TZ_KIND_RAW;
    case TZ_ALGO_LZ4:
    case TZ_ALGO_LZ4HC: return kind == TZ_KIND_SAME || kind == TZ_KIND_RAW || kind == TZ_KIND_LZ4;
    case TZ_ALGO_ZSTD: return kind == TZ_KIND_SAME || kind == TZ_KIND_RAW || kind == TZ_KIND_ZSTD;
    default: return kind >= TZ_KIND_SAME && kind <= TZ_KIND_RAW;
    }
}

/* Compresses and restores one page through the single-page calls; 1 when everything holds. */
static int round_trip(int32_t h, int32_t algorithm, const uint8_t *page) {
    uint8_t out[PAGE], meta[16], back[PAGE];
    int32_t size = tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta);
    if (size < 0 || size > PAGE || !expected_kind_ok(algorithm, meta[0])) return 0;
    if (meta[0] == TZ_KIND_SAME && size != 0) return 0;
    if (meta[0] == TZ_KIND_RAW && (size != PAGE || memcmp(out, page, PAGE) != 0)) return 0;
    if (tz_decompress_page(h, meta[0], out, size, meta + 8, back) != TZ_OK) return 0;
    return memcmp(back, page, PAGE) == 0;
}

static void every_algorithm_round_trips_edge_pages(void) {
    size_t n;
    const edge_page *e = edge_pages(&n);
    for (size_t c = 0; c < CASE_COUNT; c++) {
        int32_t h = tz_compressor_new(cases[c].algorithm, cases[c].level, 1, TZ_BACKEND_AUTO);
        CHECK_AT(h > 0, c);
        for (size_t i = 0; i < n; i++) {
            int ok = round_trip(h, cases[c].algorithm, e[i].page);
            if (!ok) fprintf(stderr, "  algorithm %d level %d: %s\n", cases[c].algorithm, cases[c].level, e[i].name);
            CHECK_AT(ok, i);
        }
        CHECK(tz_compressor_free(h) == TZ_OK);
    }
}

static void every_algorithm_round_trips_corpus(void) {
    for (size_t c = 0; c < CASE_COUNT; c++) {
        int32_t h = tz_compressor_new(cases[c].algorithm, cases[c].level, 1, TZ_BACKEND_AUTO);
        CHECK_AT(h > 0, c);
        for (size_t f = 0; f < tz_corpus.file_count; f++) {
            const corpus_file *cf = &tz_corpus.files[f];
            for (size_t i = 0; i < cf->count; i += cases[c].corpus_stride) {
                int ok = round_trip(h, cases[c].algorithm, cf->pages + i * PAGE);
                if (!ok) fprintf(stderr, "  algorithm %d level %d: %s page %zu\n", cases[c].algorithm, cases[c].level, cf->name, i);
                CHECK_AT(ok, i);
            }
        }
        CHECK(tz_compressor_free(h) == TZ_OK);
    }
}

static void same_filled_pages_are_same_with_pattern(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    size_t n;
    const edge_page *e = edge_pages(&n);
    for (size_t i = 0; i < n; i++) {
        uint8_t out[PAGE], meta[16];
        int32_t size = tz_compress_page(h, e[i].page, PAGE, 8.0, out, PAGE, meta);
        CHECK_AT((meta[0] == TZ_KIND_SAME) == e[i].same_word, i);
        if (e[i].same_word) {
            CHECK_AT(size == 0, i);
            CHECK_AT(memcmp(meta + 8, e[i].page, 8) == 0, i);
        } else {
            static const uint8_t zeros[8];
            CHECK_AT(memcmp(meta + 8, zeros, 8) == 0, i);
        }
    }
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void raw_threshold_and_entropy_limit_route_to_raw(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    size_t n;
    const edge_page *e = edge_pages(&n);
    const uint8_t *text = NULL, *random = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].name, "text") == 0) text = e[i].page;
        if (strcmp(e[i].name, "random") == 0) random = e[i].page;
    }
    CHECK(text != NULL && random != NULL);
    uint8_t out[PAGE], meta[16];
    int32_t size = tz_compress_page(h, text, PAGE, 8.0, out, PAGE, meta);
    CHECK(meta[0] == TZ_KIND_ZSTD && size > 0 && size < PAGE);
    /* A threshold at the compressed size stores it RAW; one byte above keeps it compressed. */
    CHECK(tz_compress_page(h, text, size, 8.0, out, PAGE, meta) == PAGE && meta[0] == TZ_KIND_RAW);
    CHECK(tz_compress_page(h, text, size + 1, 8.0, out, PAGE, meta) == size && meta[0] == TZ_KIND_ZSTD);
    CHECK(tz_compress_page(h, text, 1, 8.0, out, PAGE, meta) == PAGE && meta[0] == TZ_KIND_RAW);
    /* Random bytes: entropy near 8, so a limit of 7 skips the codec; text's entropy is far below it. */
    CHECK(tz_compress_page(h, random, PAGE, 7.0, out, PAGE, meta) == PAGE && meta[0] == TZ_KIND_RAW);
    CHECK(memcmp(out, random, PAGE) == 0);
    CHECK(tz_compress_page(h, text, PAGE, 7.0, out, PAGE, meta) == size && meta[0] == TZ_KIND_ZSTD);
    /* Same-fill comes before the entropy rule, even with a limit below 0. */
    uint8_t zeros[PAGE] = {0};
    CHECK(tz_compress_page(h, zeros, PAGE, -1.0, out, PAGE, meta) == 0 && meta[0] == TZ_KIND_SAME);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void zstd_pages_declare_content_size(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_ZSTD, 3, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    size_t n;
    const edge_page *e = edge_pages(&n);
    uint8_t out[PAGE], meta[16];
    int32_t size = tz_compress_page(h, e[n - 1].page, PAGE, 8.0, out, PAGE, meta);
    CHECK(meta[0] == TZ_KIND_ZSTD && size > 6);
    CHECK(ZSTD_getFrameContentSize(out, (size_t)size) == PAGE);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void compressor_reports_its_configuration(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 3, TZ_BACKEND_SCALAR);
    CHECK(h > 0);
    CHECK(tz_compressor_backend(h) == TZ_BACKEND_SCALAR);
    CHECK(tz_compressor_threads(h) == 3);
    CHECK(tz_compressor_free(h) == TZ_OK);
    h = tz_compressor_new(TZ_ALGO_LZ4, 1, 0, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    CHECK(tz_compressor_backend(h) == tz_backend_best());
    CHECK(tz_compressor_threads(h) == tz_default_threads());
    CHECK(tz_compressor_free(h) == TZ_OK);
}


/* Each branch of the adaptive rule (csrc/codec/adaptive.c) on a page made for it. */
static void adaptive_routes_by_entropy(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    uint8_t page[PAGE], out[PAGE], meta[16], back[PAGE];
    uint64_t seed = 31;
    /* Random bytes: near-random, LZ4 cannot shrink them: RAW. */
    fill_random(page, PAGE, &seed);
    CHECK(tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta) == PAGE && meta[0] == TZ_KIND_RAW);
    /* The same random half-page twice: near-random bytes with a long repeat: LZ4. */
    memcpy(page + PAGE / 2, page, PAGE / 2);
    int32_t size = tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta);
    CHECK(meta[0] == TZ_KIND_LZ4 && size > 0 && size < PAGE * 3 / 4);
    CHECK(tz_decompress_page(h, meta[0], out, size, meta + 8, back) == TZ_OK && memcmp(back, page, PAGE) == 0);
    /* Small integers (low entropy) and text (mid entropy): Zstandard, at its two levels. */
    for (int i = 0; i < PAGE / 4; i++) {
        uint32_t v = (uint32_t)(test_rand(&seed) % 6);
        memcpy(page + 4 * i, &v, 4);
    }
    size = tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta);
    CHECK(meta[0] == TZ_KIND_ZSTD && size > 0 && size < PAGE);
    CHECK(tz_decompress_page(h, meta[0], out, size, meta + 8, back) == TZ_OK && memcmp(back, page, PAGE) == 0);
    static const char words[][8] = {"alpha ", "beta ", "gamma ", "delta ", "{\"k\":", "\"v\"}, ", "42, ", "true "};
    for (size_t i = 0; i < PAGE;) {
        const char *w = words[test_rand(&seed) % 8];
        for (size_t k = 0; w[k] != 0 && i < PAGE; k++) page[i++] = (uint8_t)w[k];
    }
    size = tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta);
    CHECK(meta[0] == TZ_KIND_ZSTD && size > 0 && size < PAGE);
    CHECK(tz_decompress_page(h, meta[0], out, size, meta + 8, back) == TZ_OK && memcmp(back, page, PAGE) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* A forced backend changes only the speed of the page loops, never a stored byte. */
static void every_backend_stores_the_same_bytes(void) {
    size_t n = tz_corpus.total_pages < 2000 ? tz_corpus.total_pages : 2000;
    CHECK(n > 0);
    const uint8_t *pages = tz_corpus.files[0].pages;
    n = n < tz_corpus.files[0].count ? n : tz_corpus.files[0].count;
    /* A spread of pages: a compressor per backend per page is slow. */
    for (size_t i = 0; i < n; i += 37) {
        uint8_t ref[PAGE], ref_meta[16];
        int32_t ref_size = -1;
        for (int32_t b = TZ_BACKEND_SCALAR; b <= TZ_BACKEND_NEON; b++) {
            if (tz_backend_supported(b) != 1) continue;
            int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 1, b);
            CHECK(h > 0);
            uint8_t out[PAGE], meta[16];
            int32_t size = tz_compress_page(h, pages + i * PAGE, PAGE, 6.0, out, PAGE, meta);
            CHECK(tz_compressor_free(h) == TZ_OK);
            if (ref_size < 0) {
                ref_size = size;
                memcpy(ref, out, (size_t)size);
                memcpy(ref_meta, meta, 16);
            } else {
                CHECK_AT(size == ref_size && memcmp(meta, ref_meta, 16) == 0 && memcmp(out, ref, (size_t)size) == 0, i);
            }
        }
    }
}

void tests_codec(void) {
    RUN(every_algorithm_round_trips_edge_pages);
    RUN(every_algorithm_round_trips_corpus);
    RUN(same_filled_pages_are_same_with_pattern);
    RUN(raw_threshold_and_entropy_limit_route_to_raw);
    RUN(zstd_pages_declare_content_size);
    RUN(compressor_reports_its_configuration);
    RUN(adaptive_routes_by_entropy);
    RUN(every_backend_stores_the_same_bytes);
}
