/* Zstandard dictionaries: training, compressors that use one both ways, and the typed refusal to read a
 * dictionary page without its dictionary (or with another one). */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

/* Pages trained on and pages tested with, per corpus file: the first TRAIN pages and the TEST pages after
 * the middle of the file, so that no test page was a training sample. */
#define TRAIN 1500
#define TEST 1500
#define DICT_CAP (64 * 1024)

typedef struct trained {
    uint8_t bytes[DICT_CAP];
    int32_t size;
} trained;

/* The dictionary of corpus file f's first TRAIN pages, trained once. */
static const trained *dictionary_of(size_t f) {
    static trained dicts[2];
    static int done[2];
    if (f >= 2 || f >= tz_corpus.file_count) return NULL;
    if (!done[f]) {
        dicts[f].size = tz_zstd_train_dictionary(tz_corpus.files[f].pages, TRAIN, dicts[f].bytes, DICT_CAP);
        done[f] = 1;
    }
    return dicts[f].size > 0 ? &dicts[f] : NULL;
}

static const uint8_t *test_pages(size_t f) {
    const corpus_file *cf = &tz_corpus.files[f];
    return cf->pages + (cf->count / 2) * PAGE;
}

static void trainer_writes_a_zstd_dictionary_deterministically(void) {
    CHECK(tz_corpus.file_count >= 2 && tz_corpus.files[0].count >= 2 * TEST && tz_corpus.files[1].count >= 2 * TEST);
    const trained *d = dictionary_of(0);
    CHECK(d != NULL && d->size >= TZ_DICT_MIN_BYTES && d->size <= DICT_CAP);
    CHECK(ZSTD_getDictID_fromDict(d->bytes, (size_t)d->size) != 0);
    ZSTD_DDict *parsed = ZSTD_createDDict(d->bytes, (size_t)d->size);
    CHECK(parsed != NULL);
    ZSTD_freeDDict(parsed);
    uint8_t *again = malloc(DICT_CAP);
    CHECK(again != NULL);
    int32_t size = tz_zstd_train_dictionary(tz_corpus.files[0].pages, TRAIN, again, DICT_CAP);
    int same = size == d->size && memcmp(again, d->bytes, (size_t)size) == 0;
    /* A smaller capacity bounds the dictionary. */
    int32_t small = tz_zstd_train_dictionary(tz_corpus.files[0].pages, TRAIN, again, 4096);
    free(again);
    CHECK(same);
    CHECK(small >= TZ_DICT_MIN_BYTES && small <= 4096);
}

static void trainer_refuses_bad_input_and_writes_nothing(void) {
    uint8_t dict[1024];
    memset(dict, 0xEE, sizeof dict);
    const uint8_t *pages = tz_corpus.files[0].pages;
    CHECK(tz_zstd_train_dictionary(pages, TRAIN, dict, TZ_DICT_MIN_BYTES - 1) == TZ_E_BUFFER_TOO_SMALL);
    CHECK(tz_zstd_train_dictionary(NULL, 1, dict, sizeof dict) == TZ_E_INVALID);
    CHECK(tz_zstd_train_dictionary(pages, 1, NULL, sizeof dict) == TZ_E_INVALID);
    CHECK(tz_zstd_train_dictionary(pages, 0, dict, sizeof dict) == TZ_E_INVALID);
    CHECK(tz_zstd_train_dictionary(pages, TZ_MAX_BATCH_PAGES + 1, dict, sizeof dict) == TZ_E_INVALID);
    /* Only same-filled pages: nothing a Zstandard stream would ever see. */
    uint8_t *zeros = calloc(64, PAGE);
    CHECK(zeros != NULL);
    int32_t status = tz_zstd_train_dictionary(zeros, 64, dict, sizeof dict);
    free(zeros);
    CHECK(status == TZ_E_INVALID);
    /* One sample is too few for the trainer. */
    CHECK(tz_zstd_train_dictionary(pages, 1, dict, sizeof dict) == TZ_E_INVALID);
    for (size_t i = 0; i < sizeof dict; i++) CHECK_AT(dict[i] == 0xEE, i);
}

/* Compresses page with h and decodes it back with h; the stored bytes in out, the size returned (-1 on
 * any mismatch). */
static int32_t round_trip(int32_t h, const uint8_t *page, uint8_t *out, uint8_t *kind) {
    uint8_t meta[16], back[PAGE];
    int32_t size = tz_compress_page(h, page, PAGE, 8.0, out, PAGE, meta);
    *kind = meta[0];
    if (size < 0 || tz_decompress_page(h, meta[0], out, size, meta + 8, back) != TZ_OK) return -1;
    return memcmp(back, page, PAGE) == 0 ? size : -1;
}

static void dictionary_pages_round_trip_carry_the_id_and_decode_with_libzstd(void) {
    const trained *d = dictionary_of(0);
    CHECK(d != NULL);
    unsigned id = ZSTD_getDictID_fromDict(d->bytes, (size_t)d->size);
    int32_t h = tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, d->bytes, d->size);
    CHECK(h > 0);
    ZSTD_DCtx *reference = ZSTD_createDCtx();
    const uint8_t *pages = test_pages(0);
    int zstd_pages = 0;
    for (int32_t i = 0; i < TEST; i++) {
        uint8_t out[PAGE], kind, back[PAGE];
        int32_t size = round_trip(h, pages + (size_t)i * PAGE, out, &kind);
        CHECK_AT(size >= 0, i);
        if (kind != TZ_KIND_ZSTD) continue;
        zstd_pages++;
        CHECK_AT(ZSTD_getDictID_fromFrame(out, (size_t)size) == id, i);
        size_t n = ZSTD_decompress_usingDict(reference, back, PAGE, out, (size_t)size, d->bytes, (size_t)d->size);
        CHECK_AT(n == PAGE && memcmp(back, pages + (size_t)i * PAGE, PAGE) == 0, i);
    }
    ZSTD_freeDCtx(reference);
    CHECK(tz_compressor_free(h) == TZ_OK);
    CHECK(zstd_pages > TEST / 2);
}

/* The bytes TEST held-out pages of file f are stored in by a zstd-1 compressor (with d, or without). */
static int64_t stored_bytes(size_t f, const trained *d) {
    int32_t h = d != NULL ? tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 2, TZ_BACKEND_AUTO, d->bytes, d->size)
                          : tz_compressor_new(TZ_ALGO_ZSTD, 1, 2, TZ_BACKEND_AUTO);
    if (h <= 0) return -1;
    uint8_t *arena = malloc((size_t)TEST * PAGE), *kinds = malloc(TEST), *patterns = malloc((size_t)TEST * 8);
    uint8_t *back = malloc((size_t)TEST * PAGE);
    int32_t *offsets = malloc(TEST * sizeof(int32_t)), *sizes = malloc(TEST * sizeof(int32_t));
    int32_t *status = malloc(TEST * sizeof(int32_t));
    int64_t total = -1;
    if (arena && kinds && patterns && back && offsets && sizes && status) {
        int32_t sum = tz_compress_batch(h, test_pages(f), TEST, PAGE, 8.0, arena, TEST * PAGE, offsets, sizes,
                                        kinds, patterns);
        int32_t failed = tz_decompress_batch(h, arena, TEST * PAGE, offsets, sizes, kinds, patterns, TEST, back,
                                             TEST * PAGE, status);
        if (sum > 0 && failed == 0 && memcmp(back, test_pages(f), (size_t)TEST * PAGE) == 0) total = sum;
    }
    free(arena), free(kinds), free(patterns), free(back), free(offsets), free(sizes), free(status);
    tz_compressor_free(h);
    return total;
}

static void a_dictionary_of_the_same_process_stores_held_out_pages_smaller(void) {
    for (size_t f = 0; f < 2; f++) {
        const trained *d = dictionary_of(f);
        CHECK_AT(d != NULL, f);
        int64_t plain = stored_bytes(f, NULL), with = stored_bytes(f, d);
        CHECK_AT(plain > 0 && with > 0, f);
        CHECK_AT(with < plain, f);
    }
}

static void a_dictionary_page_without_its_dictionary_is_refused_by_name(void) {
    const trained *d = dictionary_of(0), *other = dictionary_of(1);
    CHECK(d != NULL && other != NULL);
    CHECK(ZSTD_getDictID_fromDict(d->bytes, (size_t)d->size) != ZSTD_getDictID_fromDict(other->bytes, (size_t)other->size));
    int32_t with = tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, d->bytes, d->size);
    int32_t plain = tz_compressor_new(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO);
    int32_t wrong = tz_compressor_new_dict(TZ_ALGO_ZSTD, 3, 1, TZ_BACKEND_AUTO, other->bytes, other->size);
    CHECK(with > 0 && plain > 0 && wrong > 0);
    const uint8_t *page = test_pages(0);
    uint8_t stored[PAGE], meta[16], out[PAGE];
    int32_t size = tz_compress_page(with, page, PAGE, 8.0, stored, PAGE, meta);
    CHECK(size > 0 && meta[0] == TZ_KIND_ZSTD);
    memset(out, 0xEE, sizeof out);
    CHECK(tz_decompress_page(plain, TZ_KIND_ZSTD, stored, size, NULL, out) == TZ_E_DICTIONARY);
    CHECK(tz_decompress_page(wrong, TZ_KIND_ZSTD, stored, size, NULL, out) == TZ_E_DICTIONARY);
    for (size_t i = 0; i < PAGE; i++) CHECK_AT(out[i] == 0xEE, i);
    /* In a batch: the page's own status says it, the other pages decode. */
    uint8_t arena[2 * PAGE], kinds[2] = {TZ_KIND_ZSTD, TZ_KIND_ZSTD}, patterns[16] = {0}, back[2 * PAGE];
    int32_t offsets[2] = {0, PAGE}, sizes[2] = {size, 0}, status[2];
    memcpy(arena, stored, (size_t)size);
    sizes[1] = tz_compress_page(plain, page, PAGE, 8.0, arena + PAGE, PAGE, meta);
    CHECK(sizes[1] > 0 && meta[0] == TZ_KIND_ZSTD);
    CHECK(tz_decompress_batch(plain, arena, 2 * PAGE, offsets, sizes, kinds, patterns, 2, back, 2 * PAGE, status) == 1);
    CHECK(status[0] == TZ_E_DICTIONARY && status[1] == TZ_OK && memcmp(back + PAGE, page, PAGE) == 0);
    /* A page without a dictionary ID decodes with a dictionary compressor: it never refers to it. */
    CHECK(tz_decompress_page(with, TZ_KIND_ZSTD, arena + PAGE, sizes[1], NULL, out) == TZ_OK);
    CHECK(memcmp(out, page, PAGE) == 0);
    CHECK(tz_compressor_free(with) == TZ_OK && tz_compressor_free(plain) == TZ_OK && tz_compressor_free(wrong) == TZ_OK);
}

static void compressor_refuses_what_is_not_a_zstd_dictionary(void) {
    const trained *d = dictionary_of(0);
    CHECK(d != NULL);
    uint8_t *bytes = malloc((size_t)d->size);
    CHECK(bytes != NULL);
    memcpy(bytes, d->bytes, (size_t)d->size);
    CHECK(tz_compressor_new_dict(TZ_ALGO_LZ4, 1, 1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ADAPTIVE, 0, 1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 20, 1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, -1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, NULL, d->size) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, bytes, 7) == TZ_E_INVALID);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, bytes, -1) == TZ_E_INVALID);
    /* Raw content (no magic number): no ID for frames to carry. */
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, test_pages(0), PAGE) == TZ_E_INVALID);
    /* Magic and ID intact, entropy tables broken. */
    memset(bytes + 8, 0xFF, 64);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    /* A zero ID. */
    memcpy(bytes, d->bytes, (size_t)d->size);
    memset(bytes + 4, 0, 4);
    CHECK(tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 1, TZ_BACKEND_AUTO, bytes, d->size) == TZ_E_INVALID);
    free(bytes);
}

static void the_compressor_keeps_its_own_copy_of_the_dictionary(void) {
    const trained *d = dictionary_of(0);
    CHECK(d != NULL);
    uint8_t *bytes = malloc((size_t)d->size);
    CHECK(bytes != NULL);
    memcpy(bytes, d->bytes, (size_t)d->size);
    int32_t h = tz_compressor_new_dict(TZ_ALGO_ZSTD, 1, 2, TZ_BACKEND_AUTO, bytes, d->size);
    memset(bytes, 0, (size_t)d->size);
    free(bytes);
    CHECK(h > 0);
    uint8_t out[PAGE], kind;
    for (int32_t i = 0; i < 64; i++) CHECK_AT(round_trip(h, test_pages(0) + (size_t)i * PAGE, out, &kind) >= 0, i);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

void tests_dictionary(void) {
    RUN(trainer_writes_a_zstd_dictionary_deterministically);
    RUN(trainer_refuses_bad_input_and_writes_nothing);
    RUN(dictionary_pages_round_trip_carry_the_id_and_decode_with_libzstd);
    RUN(a_dictionary_of_the_same_process_stores_held_out_pages_smaller);
    RUN(a_dictionary_page_without_its_dictionary_is_refused_by_name);
    RUN(compressor_refuses_what_is_not_a_zstd_dictionary);
    RUN(the_compressor_keeps_its_own_copy_of_the_dictionary);
}
