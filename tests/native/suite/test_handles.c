/* Bad handles and bad arguments get their typed error and change nothing. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

static void unknown_and_stale_handles_are_closed(void) {
    uint8_t page[PAGE] = {1}, out[PAGE], meta[16];
    const int32_t forged[] = {0, -1, 1 << 30, 0x7fffffff, 4096, 4095};
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    for (size_t k = 0; k < sizeof forged / sizeof forged[0]; k++) {
        if (forged[k] == h) continue;
        CHECK_AT(tz_compressor_backend(forged[k]) == TZ_E_CLOSED, k);
        CHECK_AT(tz_compress_page(forged[k], page, PAGE, 8.0, out, PAGE, meta) == TZ_E_CLOSED, k);
        CHECK_AT(tz_compressor_free(forged[k]) == TZ_E_CLOSED, k);
    }
    CHECK(tz_compressor_free(h) == TZ_OK);
    /* The freed handle stays dead even after its slot is reused. */
    int32_t again = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(again > 0 && again != h);
    CHECK(tz_compressor_free(h) == TZ_E_CLOSED);
    CHECK(tz_compressor_threads(h) == TZ_E_CLOSED);
    CHECK(tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta) == TZ_E_CLOSED);
    CHECK(tz_decompress_page(h, TZ_KIND_RAW, page, PAGE, NULL, out) == TZ_E_CLOSED);
    CHECK(tz_compress_batch(h, page, 1, PAGE, 8.0, out, PAGE, (int32_t[1]){0}, (int32_t[1]){0}, meta, meta) == TZ_E_CLOSED);
    CHECK(tz_compressor_free(again) == TZ_OK);
    int32_t result;
    CHECK(tz_job_poll(0, &result) == TZ_E_CLOSED);
    CHECK(tz_job_poll(12345, &result) == TZ_E_CLOSED);
    CHECK(tz_job_wait(-5) == TZ_E_CLOSED);
}

static void compressor_arguments_are_checked(void) {
    const int32_t bad[][4] = {
        {5, 0, 1, -1},  {-1, 0, 1, -1}, {TZ_ALGO_LZ4, -1, 1, -1},   {TZ_ALGO_LZ4, 65538, 1, -1},
        {TZ_ALGO_LZ4HC, 13, 1, -1},     {TZ_ALGO_LZ4HC, -1, 1, -1}, {TZ_ALGO_ZSTD, 20, 1, -1},
        {TZ_ALGO_ZSTD, -3, 1, -1},      {TZ_ALGO_LZ4, 1, -1, -1},   {TZ_ALGO_LZ4, 1, 257, -1},
        {TZ_ALGO_LZ4, 1, 1, 4},         {TZ_ALGO_LZ4, 1, 1, -2},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        CHECK_AT(tz_compressor_new(bad[k][0], bad[k][1], bad[k][2], bad[k][3]) == TZ_E_INVALID, k);
    for (int32_t b = TZ_BACKEND_SCALAR; b <= TZ_BACKEND_NEON; b++)
        if (tz_backend_supported(b) != 1) CHECK_AT(tz_compressor_new(TZ_ALGO_LZ4, 1, 1, b) == TZ_E_UNSUPPORTED, b);
    const int32_t good[][2] = {{TZ_ALGO_LZ4, 65537}, {TZ_ALGO_LZ4HC, 1}, {TZ_ALGO_LZ4HC, 12}, {TZ_ALGO_ZSTD, 19}, {TZ_ALGO_NONE, 77}};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        int32_t h = tz_compressor_new(good[k][0], good[k][1], 1, TZ_BACKEND_SCALAR);
        CHECK_AT(h > 0, k);
        CHECK_AT(tz_compressor_free(h) == TZ_OK, k);
    }
}

static void page_call_arguments_are_checked(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    uint8_t page[PAGE], out[PAGE], meta[16];
    memset(page, 3, PAGE);
    page[9] = 4;
    memset(out, 0x55, PAGE);
    memset(meta, 0x55, sizeof meta);
    CHECK(tz_compress_page(h, page, 0, 8.0, out, PAGE, meta) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, page, PAGE + 1, 8.0, out, PAGE, meta) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, page, PAGE, NAN, out, PAGE, meta) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, NULL, PAGE, 8.0, out, PAGE, meta) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, page, PAGE, 8.0, NULL, PAGE, meta) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, page, PAGE, 8.0, out, PAGE, NULL) == TZ_E_INVALID);
    CHECK(tz_compress_page(h, page, PAGE, 8.0, out, PAGE - 1, meta) == TZ_E_BUFFER_TOO_SMALL);
    for (int i = 0; i < PAGE; i++) CHECK_AT(out[i] == 0x55, i);
    for (int i = 0; i < 16; i++) CHECK_AT(meta[i] == 0x55, i);
    CHECK(tz_decompress_page(h, 0, page, PAGE, NULL, out) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, 6, page, PAGE, NULL, out) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, TZ_KIND_SAME, NULL, 0, NULL, out) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, TZ_KIND_RAW, page, -1, NULL, out) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, TZ_KIND_RAW, NULL, 10, NULL, out) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, TZ_KIND_RAW, page, PAGE, NULL, NULL) == TZ_E_INVALID);
    CHECK(tz_decompress_page(h, TZ_KIND_RAW, page, PAGE - 1, NULL, out) == TZ_E_CORRUPTED);
    for (int i = 0; i < PAGE; i++) CHECK_AT(out[i] == 0x55, i);
    /* SAME rebuilds from the pattern alone; src may be absent. */
    static const uint8_t pattern[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    CHECK(tz_decompress_page(h, TZ_KIND_SAME, NULL, 0, pattern, out) == TZ_OK);
    for (int i = 0; i < PAGE; i++) CHECK_AT(out[i] == pattern[i % 8], i);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void batch_arguments_are_checked(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    static uint8_t pages[2 * PAGE], arena[2 * PAGE], out[2 * PAGE];
    int32_t offsets[2], sizes[2], status[2];
    uint8_t kinds[2], patterns[16];
    CHECK(tz_compress_batch(h, pages, -1, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == TZ_E_INVALID);
    CHECK(tz_compress_batch(h, pages, TZ_MAX_BATCH_PAGES + 1, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == TZ_E_INVALID);
    CHECK(tz_compress_batch(h, pages, 2, PAGE, 8.0, arena, 2 * PAGE - 1, offsets, sizes, kinds, patterns) == TZ_E_BUFFER_TOO_SMALL);
    CHECK(tz_compress_batch(h, pages, 2, 0, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == TZ_E_INVALID);
    CHECK(tz_compress_batch(h, pages, 2, PAGE, NAN, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == TZ_E_INVALID);
    CHECK(tz_compress_batch(h, NULL, 2, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == TZ_E_INVALID);
    CHECK(tz_compress_batch(h, pages, 2, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, NULL) == TZ_E_INVALID);
    CHECK(tz_compress_batch_async(h, pages, 2, PAGE, 8.0, arena, 2 * PAGE - 1, offsets, sizes, kinds, patterns) == TZ_E_BUFFER_TOO_SMALL);
    CHECK(tz_compress_batch(h, pages, 2, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns) == 0);
    CHECK(tz_decompress_batch(h, arena, 2 * PAGE, offsets, sizes, kinds, patterns, 2, out, 2 * PAGE - 1, status) == TZ_E_BUFFER_TOO_SMALL);
    CHECK(tz_decompress_batch(h, arena, -1, offsets, sizes, kinds, patterns, 2, out, 2 * PAGE, status) == TZ_E_INVALID);
    CHECK(tz_decompress_batch(h, arena, 2 * PAGE, offsets, sizes, kinds, patterns, 2, out, 2 * PAGE, NULL) == TZ_E_INVALID);
    CHECK(tz_decompress_batch_async(h, arena, 2 * PAGE, offsets, sizes, kinds, NULL, 2, out, 2 * PAGE, status) == TZ_E_INVALID);
    CHECK(tz_decompress_batch(h, arena, 2 * PAGE, offsets, sizes, kinds, patterns, 2, out, 2 * PAGE, status) == 0);
    int32_t job = tz_compress_batch_async(h, pages, 2, PAGE, 8.0, arena, 2 * PAGE, offsets, sizes, kinds, patterns);
    CHECK(job > 0);
    CHECK(tz_job_poll(job, NULL) == TZ_E_INVALID);
    CHECK(tz_job_wait(job) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

void tests_handles(void) {
    RUN(unknown_and_stale_handles_are_closed);
    RUN(compressor_arguments_are_checked);
    RUN(page_call_arguments_are_checked);
    RUN(batch_arguments_are_checked);
}
