/* Issue 14's decoder rules on the CPU path: LZ4 edge blocks decode exactly as the GPU step decodes them,
 * a ZSTD page is one standard frame (no legacy or skippable frames), a SAME page stores no bytes; and a
 * process-wide handle limit is reported as TZ_E_LIMIT, far above the old 4095. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "lz4_rules.h"
#include "trueno_zram.h"

static void lz4_edge_blocks_follow_the_shared_rules(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    for (size_t k = 0; k < LZ4_RULE_CASES; k++) {
        const lz4_rule_case *c = &lz4_rule_cases[k];
        uint8_t block[LZ4_RULE_BLOCK_MAX], expect[PAGE], out[PAGE];
        int32_t len = lz4_rule_block(c, block);
        lz4_rule_page(c, expect);
        /* Prefilled with what a zero-offset copy would repeat, so only the rule can make it fail. */
        memset(out, 'a', PAGE);
        int32_t status = tz_decompress_page(h, TZ_KIND_LZ4, block, len, NULL, out);
        if (c->decodes) CHECK_AT(status == TZ_OK && memcmp(out, expect, PAGE) == 0, k);
        else CHECK_AT(status == TZ_E_CORRUPTED, k);
        CHECK_AT(tz_decompress_page(h, TZ_KIND_GPU_LZ4, block, len, NULL, out) == status, k);
    }
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* A zstd v0.7 frame (magic 0xFD2FB527) holding one raw block of 4096 bytes: Debian's libzstd decodes it. */
static int32_t legacy_zstd_frame(uint8_t *f, const uint8_t *page) {
    int32_t n = 0;
    const uint8_t header[] = {0x27, 0xB5, 0x2F, 0xFD, 0xA0, 0x00, 0x10, 0x00, 0x00, 0x40, 0x10, 0x00};
    memcpy(f, header, sizeof header);
    n += (int32_t)sizeof header;
    memcpy(f + n, page, PAGE);
    n += PAGE;
    f[n++] = 0xC0, f[n++] = 0, f[n++] = 0; /* end-of-frame block */
    return n;
}

static void zstd_pages_are_standard_frames_only(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    static uint8_t frame[PAGE + 64], out[PAGE];
    uint8_t page[PAGE];
    for (int i = 0; i < PAGE; i++) page[i] = (uint8_t)(i * 7);
    int32_t len = legacy_zstd_frame(frame, page);
    memset(out, 0xEE, PAGE);
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, frame, len, NULL, out) == TZ_E_CORRUPTED && out[0] == 0xEE);
    /* A skippable frame (magic 0x184D2A50) is not a page either. */
    const uint8_t skippable[] = {0x50, 0x2A, 0x4D, 0x18, 0x04, 0, 0, 0, 1, 2, 3, 4};
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, skippable, sizeof skippable, NULL, out) == TZ_E_CORRUPTED);
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, frame, 3, NULL, out) == TZ_E_CORRUPTED);
    /* The library's own frames still decode. */
    uint8_t meta[16];
    int32_t size = tz_compress_page(h, page, PAGE, 8.0, frame, PAGE, meta);
    CHECK(size > 0 && meta[0] == TZ_KIND_ZSTD);
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, frame, size, NULL, out) == TZ_OK && memcmp(out, page, PAGE) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void a_same_page_with_stored_bytes_is_corrupted(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    static uint8_t src[8192], out[PAGE];
    const uint8_t pattern[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const int32_t sizes[] = {1, 8, PAGE, 5000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(out, 0xEE, PAGE);
        CHECK_AT(tz_decompress_page(h, TZ_KIND_SAME, src, sizes[k], pattern, out) == TZ_E_CORRUPTED && out[0] == 0xEE, k);
    }
    CHECK(tz_decompress_page(h, TZ_KIND_SAME, NULL, 0, pattern, out) == TZ_OK && out[8] == 1 && out[15] == 8);
    /* In a batch too: the page fails alone, zeroed, with its status. */
    int32_t offsets[2] = {0, 0}, batch_sizes[2] = {0, 5000}, status[2];
    uint8_t kinds[2] = {TZ_KIND_SAME, TZ_KIND_SAME}, patterns[16] = {0};
    static uint8_t pages[2 * PAGE];
    CHECK(tz_decompress_batch(h, src, sizeof src, offsets, batch_sizes, kinds, patterns, 2, pages, 2 * PAGE, status) == 1);
    CHECK(status[0] == TZ_OK && status[1] == TZ_E_CORRUPTED);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* Async jobs stay registered until waited for: far more than the old 4095 may be outstanding, and one
 * past TZ_MAX_HANDLES is TZ_E_LIMIT (not TZ_E_NO_MEMORY). Empty batches finish at once. */
static void outstanding_jobs_reach_the_limit_and_report_it(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    int32_t *jobs = malloc(sizeof(int32_t) * TZ_MAX_HANDLES);
    CHECK(jobs != NULL);
    int32_t opened = 0, refused = 0;
    uint8_t byte = 0;
    int32_t none = 0;
    for (int32_t k = 0; k < TZ_MAX_HANDLES; k++) {
        jobs[k] = tz_decompress_batch_async(h, NULL, 0, &none, &none, &byte, &byte, 0, &byte, 0, &none);
        if (jobs[k] > 0) opened++;
    }
    refused = tz_decompress_batch_async(h, NULL, 0, &none, &none, &byte, &byte, 0, &byte, 0, &none);
    int waited = 1;
    for (int32_t k = 0; k < TZ_MAX_HANDLES; k++) waited &= jobs[k] <= 0 || tz_job_wait(jobs[k]) == 0;
    free(jobs);
    CHECK(opened == TZ_MAX_HANDLES);
    CHECK(refused == TZ_E_LIMIT);
    CHECK(waited);
    /* Once they are waited for, a new job opens again. */
    int32_t job = tz_decompress_batch_async(h, NULL, 0, &none, &none, &byte, &byte, 0, &byte, 0, &none);
    CHECK(job > 0 && tz_job_wait(job) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

void tests_decoder_rules(void) {
    RUN(lz4_edge_blocks_follow_the_shared_rules);
    RUN(zstd_pages_are_standard_frames_only);
    RUN(a_same_page_with_stored_bytes_is_corrupted);
    RUN(outstanding_jobs_reach_the_limit_and_report_it);
}
