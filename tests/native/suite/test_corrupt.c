/* Any bytes given to a decompress path give an error or a page, never an access outside the buffers:
 * inputs end at an inaccessible page and outputs are checked for untouched guard bytes. */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

static const int32_t kinds[] = {TZ_KIND_LZ4, TZ_KIND_ZSTD, TZ_KIND_RAW, TZ_KIND_GPU_LZ4, TZ_KIND_SAME};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

/* Decodes src[0..len) (placed against a guard page) as `kind`; 1 when the result obeys the contract:
 * success rebuilds exactly `expect` (when given), failure leaves `out` untouched. */
static int decode_obeys_contract(int32_t h, int32_t kind, const uint8_t *bytes, int32_t len, const uint8_t *expect) {
    guarded src = guarded_alloc(len > 0 ? (size_t)len : 1);
    guarded out = guarded_alloc(PAGE);
    if (src.data == NULL || out.data == NULL) return 0;
    uint8_t *s = src.data + (len > 0 ? 0 : 1);
    memcpy(s, bytes, (size_t)len);
    memset(out.data, 0xc3, PAGE);
    static const uint8_t pattern[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int32_t status = tz_decompress_page(h, kind, s, len, pattern, out.data);
    int ok;
    if (status == TZ_OK) {
        ok = expect == NULL || memcmp(out.data, expect, PAGE) == 0;
    } else {
        ok = status == TZ_E_CORRUPTED;
        for (int i = 0; i < PAGE && ok; i++) ok = out.data[i] == 0xc3;
    }
    guarded_free(&src);
    guarded_free(&out);
    return ok;
}

static void random_bytes_never_escape(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    uint64_t seed = 12345;
    uint8_t buf[PAGE + 64];
    for (int round = 0; round < 3000; round++) {
        int32_t len = (int32_t)(test_rand(&seed) % (PAGE + 64));
        fill_random(buf, (size_t)len, &seed);
        /* Some rounds start with a real zstd magic number so the frame parser goes deeper. */
        if (round % 3 == 0 && len >= 4) buf[0] = 0x28, buf[1] = 0xb5, buf[2] = 0x2f, buf[3] = 0xfd;
        for (size_t k = 0; k < KIND_COUNT; k++) CHECK_AT(decode_obeys_contract(h, kinds[k], buf, len, NULL), round);
    }
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* Every truncation and many single-byte corruptions of real LZ4 and ZSTD pages. */
static void truncated_and_flipped_pages_fail_cleanly(void) {
    size_t edges;
    const edge_page *e = edge_pages(&edges);
    const uint8_t *text = e[edges - 1].page;
    static const int32_t algos[] = {TZ_ALGO_LZ4, TZ_ALGO_ZSTD};
    uint64_t seed = 99;
    for (size_t a = 0; a < 2; a++) {
        int32_t h = tz_compressor_new(algos[a], 1, 1, TZ_BACKEND_AUTO);
        CHECK(h > 0);
        const uint8_t *sources[2] = {text, tz_corpus.total_pages > 0 ? tz_corpus.files[0].pages + 100 * PAGE : text};
        for (int s = 0; s < 2; s++) {
            uint8_t packed[PAGE], meta[16];
            int32_t size = tz_compress_page(h, sources[s], PAGE, 8.0, packed, PAGE, meta);
            CHECK(size > 0 && size < PAGE);
            for (int32_t cut = 0; cut < size; cut++) CHECK_AT(decode_obeys_contract(h, meta[0], packed, cut, sources[s]), cut);
            for (int flip = 0; flip < 2000; flip++) {
                uint8_t bad[PAGE];
                memcpy(bad, packed, (size_t)size);
                bad[test_rand(&seed) % (uint64_t)size] ^= (uint8_t)(1u << (test_rand(&seed) % 8));
                /* A flip may still decode to some page; only the memory contract is checked then. */
                CHECK_AT(decode_obeys_contract(h, meta[0], bad, size, NULL), flip);
            }
            /* Trailing bytes after a valid page are not a valid page. */
            uint8_t longer[PAGE + 1];
            memcpy(longer, packed, (size_t)size);
            longer[size] = 0;
            if (meta[0] == TZ_KIND_ZSTD) CHECK(tz_decompress_page(h, meta[0], longer, size + 1, NULL, longer) == TZ_E_CORRUPTED);
        }
        CHECK(tz_compressor_free(h) == TZ_OK);
    }
}

static void zstd_frames_of_other_sizes_are_rejected(void) {
    /* Valid frames that are not one page: 4095 and 4097 bytes of content, a frame without a content
     * size, and two half-page frames back to back. */
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    uint8_t src[PAGE + 1], frame[2 * PAGE];
    for (int i = 0; i <= PAGE; i++) src[i] = (uint8_t)(i * 7 / 5);
    size_t sizes[] = {PAGE - 1, PAGE + 1};
    for (int k = 0; k < 2; k++) {
        size_t len = ZSTD_compress(frame, sizeof frame, src, sizes[k], 1);
        CHECK(!ZSTD_isError(len));
        CHECK_AT(decode_obeys_contract(h, TZ_KIND_ZSTD, frame, (int32_t)len, NULL), k);
        CHECK_AT(tz_decompress_page(h, TZ_KIND_ZSTD, frame, (int32_t)len, NULL, src) == TZ_E_CORRUPTED, k);
    }
    size_t half = ZSTD_compress(frame, sizeof frame, src, PAGE / 2, 1);
    CHECK(!ZSTD_isError(half));
    memcpy(frame + half, frame, half);
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, frame, (int32_t)(2 * half), NULL, src) == TZ_E_CORRUPTED);
    /* A streamed frame carries no content size. */
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_inBuffer in = {src, PAGE, 0};
    ZSTD_outBuffer out = {frame, sizeof frame, 0};
    size_t left = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue);
    left = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
    ZSTD_freeCCtx(cctx);
    CHECK(left == 0);
    CHECK(ZSTD_getFrameContentSize(frame, out.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
    CHECK(tz_decompress_page(h, TZ_KIND_ZSTD, frame, (int32_t)out.pos, NULL, src) == TZ_E_CORRUPTED);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* A batch of valid, corrupted and random pages: good pages decode, bad ones are zeroed with a status. */
static void batch_with_bad_pages_reports_each(void) {
    enum { N = 64 };
    int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    size_t edges;
    const edge_page *e = edge_pages(&edges);
    uint8_t *pages = malloc((size_t)N * PAGE), *out = malloc((size_t)N * PAGE);
    guarded arena = guarded_alloc((size_t)N * PAGE);
    int32_t offsets[N], sizes[N], status[N];
    uint8_t kinds[N], patterns[N * 8];
    CHECK(pages != NULL && out != NULL && arena.data != NULL);
    /* Corpus pages (LZ4/ZSTD/RAW) beside edge pages (mostly SAME). */
    for (int i = 0; i < N; i++) {
        const uint8_t *src = i % 2 == 0 && tz_corpus.total_pages > (size_t)N
                                 ? tz_corpus.files[0].pages + (size_t)i * 37 % tz_corpus.files[0].count * PAGE
                                 : e[(size_t)i * 5 % edges].page;
        memcpy(pages + (size_t)i * PAGE, src, PAGE);
    }
    CHECK(tz_compress_batch(h, pages, N, PAGE, 8.0, arena.data, N * PAGE, offsets, sizes, kinds, patterns) >= 0);
    int expected_failures = 0, broken[N] = {0};
    uint64_t seed = 5;
    for (int i = 0; i < N; i += 3) {
        if (kinds[i] == TZ_KIND_SAME) continue;
        if (kinds[i] == TZ_KIND_RAW) sizes[i] -= 1; /* a short RAW page */
        else fill_random(arena.data + offsets[i], (size_t)sizes[i], &seed);
        broken[i] = 1;
    }
    kinds[1] = 9; /* an unknown kind */
    broken[1] = 1;
    memset(out, 0x77, (size_t)N * PAGE);
    int32_t failed = tz_decompress_batch(h, arena.data, N * PAGE, offsets, sizes, kinds, patterns, N, out, N * PAGE, status);
    static const uint8_t zero_page[PAGE];
    for (int i = 0; i < N; i++) {
        if (status[i] != TZ_OK) {
            expected_failures++;
            CHECK_AT(memcmp(out + (size_t)i * PAGE, zero_page, PAGE) == 0, i);
        } else {
            CHECK_AT(memcmp(out + (size_t)i * PAGE, pages + (size_t)i * PAGE, PAGE) == 0 || broken[i], i);
        }
        if (!broken[i]) CHECK_AT(status[i] == TZ_OK, i);
    }
    CHECK(status[1] == TZ_E_INVALID);
    CHECK(failed == expected_failures && failed > 1);
    guarded_free(&arena);
    free(pages);
    free(out);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

/* Offsets and sizes that leave the arena are refused before anything is written. */
static void batch_bounds_are_checked_first(void) {
    enum { N = 4 };
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    uint8_t arena[100] = {0}, kinds[N] = {TZ_KIND_RAW, TZ_KIND_RAW, TZ_KIND_RAW, TZ_KIND_RAW}, patterns[N * 8] = {0};
    static uint8_t out[N * PAGE];
    int32_t status[N];
    const int32_t bad[][2] = {{-1, 10}, {0, -1}, {90, 11}, {101, 0}, {2147483647, 1}, {1, 2147483647}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int32_t offsets[N] = {0, 0, 0, bad[k][0]}, sizes[N] = {0, 0, 0, bad[k][1]};
        memset(out, 0x42, sizeof out);
        memset(status, 0x42, sizeof status);
        CHECK_AT(tz_decompress_batch(h, arena, 100, offsets, sizes, kinds, patterns, N, out, N * PAGE, status) == TZ_E_INVALID, k);
        for (size_t i = 0; i < sizeof out; i++) CHECK_AT(out[i] == 0x42, k);
        CHECK_AT(status[0] == 0x42424242, k);
    }
    CHECK(tz_compressor_free(h) == TZ_OK);
}

void tests_corrupt(void) {
    RUN(random_bytes_never_escape);
    RUN(truncated_and_flipped_pages_fail_cleanly);
    RUN(zstd_frames_of_other_sizes_are_rejected);
    RUN(batch_with_bad_pages_reports_each);
    RUN(batch_bounds_are_checked_first);
}
