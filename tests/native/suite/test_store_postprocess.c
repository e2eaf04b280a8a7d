/* Idle tracking and recompression of the page store, by the rules of Linux zram's zram_drv.c (read from
 * the source: this machine's kernel has neither CONFIG_ZRAM_TRACK_ENTRY_ACTIME nor CONFIG_ZRAM_MULTI_COMP
 * to compare with). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

#define PAGES 256

typedef struct device {
    int32_t store, lz4, zstd;
    uint8_t *arena, *kinds, *patterns, *reasons;
    int32_t *offsets, *sizes, outcome[TZ_STORE_OUT_SLOTS];
} device;

static int open_device(device *d) {
    d->store = tz_store_new(PAGES);
    d->lz4 = tz_compressor_new(TZ_ALGO_LZ4, 0, 2, TZ_BACKEND_AUTO);
    d->zstd = tz_compressor_new(TZ_ALGO_ZSTD, 3, 1, TZ_BACKEND_AUTO);
    d->arena = malloc((size_t)PAGES * PAGE);
    d->kinds = malloc(PAGES);
    d->patterns = malloc(PAGES * 8);
    d->reasons = malloc(PAGES);
    d->offsets = malloc(PAGES * sizeof(int32_t));
    d->sizes = malloc(PAGES * sizeof(int32_t));
    return d->store > 0 && d->lz4 > 0 && d->zstd > 0 && d->arena && d->kinds && d->patterns && d->reasons &&
           d->offsets && d->sizes;
}

static void close_device(device *d) {
    tz_store_free(d->store);
    tz_compressor_free(d->lz4);
    tz_compressor_free(d->zstd);
    free(d->arena), free(d->kinds), free(d->patterns), free(d->reasons), free(d->offsets), free(d->sizes);
}

static int32_t write_pages(device *d, int32_t first, const uint8_t *pages, int32_t n) {
    return tz_store_write(d->store, d->lz4, first, pages, n, 0, 8.0, d->arena, n * PAGE, d->offsets, d->sizes,
                          d->kinds, d->patterns, d->reasons, d->outcome);
}

static double stat_of(int32_t store, int32_t slot) {
    double s[TZ_STORE_STAT_SLOTS];
    tz_store_stats(store, s);
    return s[slot];
}

static int reads_back(device *d, const uint8_t *pages) {
    uint8_t *out = malloc((size_t)PAGES * PAGE);
    int ok = out != NULL && tz_store_read(d->store, d->lz4, 0, PAGES, out, PAGES * PAGE) == 0 &&
             memcmp(out, pages, (size_t)PAGES * PAGE) == 0;
    free(out);
    return ok;
}

static int32_t recompress(device *d, int32_t mode, int32_t threshold, double max_pages, double *out) {
    int32_t comps[TZ_STORE_PRIORITIES] = {0, d->zstd, 0, 0};
    return tz_store_recompress(d->store, d->lz4, comps, 1, 2, 2, mode, threshold, max_pages, out);
}

/* Corpus pages with a zero page, a random (huge) page and a text page mixed in. */
static uint8_t *test_pages(void) {
    uint8_t *pages = malloc((size_t)PAGES * PAGE);
    if (pages == NULL) return NULL;
    memcpy(pages, tz_corpus.files[1].pages + 100 * PAGE, (size_t)PAGES * PAGE);
    uint64_t seed = 11;
    memset(pages, 0, PAGE);
    fill_random(pages + PAGE, PAGE, &seed);
    return pages;
}

static void idle_marks_follow_access_times(void) {
    static device d;
    uint8_t *pages = test_pages();
    CHECK(pages != NULL && open_device(&d));
    CHECK(tz_store_set_clock(d.store, 1000) == TZ_OK);
    CHECK(write_pages(&d, 0, pages, 128) == TZ_OK);
    CHECK(tz_store_set_clock(d.store, 1010) == TZ_OK);
    CHECK(write_pages(&d, 128, pages + 128 * PAGE, 128) == TZ_OK);
    uint8_t flags[PAGES];
    /* "all": every stored page but the same-filled one (page 0). */
    CHECK(tz_store_mark_idle(d.store, -1) == PAGES - 1);
    CHECK(tz_store_page_flags(d.store, 0, PAGES, flags) == TZ_OK);
    CHECK(flags[0] == 0 && flags[1] == TZ_STORE_FLAG_IDLE && flags[PAGES - 1] == TZ_STORE_FLAG_IDLE);
    /* Age 10 at second 1015: pages accessed at 1000 are idle (1000 is not after 1005), those at 1010 not,
     * and their earlier mark is cleared (zram's mark_idle clears it). */
    CHECK(tz_store_set_clock(d.store, 1015) == TZ_OK);
    CHECK(tz_store_mark_idle(d.store, 10) == 127);
    CHECK(tz_store_page_flags(d.store, 0, PAGES, flags) == TZ_OK);
    CHECK(flags[5] == TZ_STORE_FLAG_IDLE && flags[200] == 0);
    /* The cutoff itself counts as idle: age 5 makes 1010 the cutoff. */
    CHECK(tz_store_mark_idle(d.store, 5) == PAGES - 1);
    /* A read and a write clear the mark. */
    uint8_t out[2 * PAGE];
    CHECK(tz_store_read(d.store, d.lz4, 3, 1, out, PAGE) == 0);
    CHECK(write_pages(&d, 4, pages + 4 * PAGE, 1) == TZ_OK);
    CHECK(tz_store_page_flags(d.store, 2, 4, flags) == TZ_OK);
    CHECK(flags[0] == TZ_STORE_FLAG_IDLE && flags[1] == 0 && flags[2] == 0 && flags[3] == TZ_STORE_FLAG_IDLE);
    /* Age 0 marks what was accessed at or before now; nothing is newer. */
    CHECK(tz_store_mark_idle(d.store, 0) == PAGES - 1);
    CHECK(tz_store_set_clock(d.store, 1.5) == TZ_E_INVALID && tz_store_mark_idle(d.store, 0.5) == TZ_E_INVALID);
    CHECK(tz_store_set_clock(d.store, -1) == TZ_OK);
    CHECK(reads_back(&d, pages));
    close_device(&d);
    free(pages);
}

static void recompression_follows_zrams_rules(void) {
    static device d;
    uint8_t *pages = test_pages();
    CHECK(pages != NULL && open_device(&d));
    CHECK(write_pages(&d, 0, pages, PAGES) == TZ_OK);
    double before = stat_of(d.store, 3), huge_before = stat_of(d.store, 7), out[TZ_RECOMPRESS_OUT_SLOTS];
    CHECK(huge_before >= 1);
    /* type=idle with nothing idle: no candidates. */
    CHECK(recompress(&d, TZ_RECOMPRESS_IDLE, 0, -1, out) == TZ_OK && out[TZ_RECOMPRESS_OUT_CANDIDATES] == 0);
    /* max_pages bounds the attempts. */
    CHECK(recompress(&d, 0, 0, 10, out) == TZ_OK);
    CHECK(out[TZ_RECOMPRESS_OUT_CANDIDATES] == PAGES - 1 && out[TZ_RECOMPRESS_OUT_ATTEMPTED] == 10);
    double after_ten = stat_of(d.store, 3);
    CHECK(after_ten < before);
    /* Everything else: pages that moved to a smaller class carry priority 1, the random page is marked
     * incompressible; huge pages that shrank are huge no more. */
    CHECK(recompress(&d, 0, 0, -1, out) == TZ_OK);
    /* The ten attempted pages left the candidates (recompressed at the highest priority, or marked). */
    CHECK(out[TZ_RECOMPRESS_OUT_CANDIDATES] == PAGES - 1 - 10);
    CHECK(out[TZ_RECOMPRESS_OUT_ATTEMPTED] == out[TZ_RECOMPRESS_OUT_CANDIDATES]);
    CHECK(out[TZ_RECOMPRESS_OUT_RECOMPRESSED] + out[TZ_RECOMPRESS_OUT_INCOMPRESSIBLE] == out[TZ_RECOMPRESS_OUT_ATTEMPTED]);
    CHECK(stat_of(d.store, 3) < after_ten);
    uint8_t flags[PAGES];
    CHECK(tz_store_page_flags(d.store, 0, PAGES, flags) == TZ_OK);
    CHECK(flags[0] == 0 && flags[1] == TZ_STORE_FLAG_INCOMPRESSIBLE);
    int32_t recompressed = 0;
    for (int32_t i = 2; i < PAGES; i++) {
        int prio = (flags[i] >> TZ_STORE_PRIORITY_SHIFT) & TZ_STORE_PRIORITY_MASK;
        CHECK_AT(prio == 1 || flags[i] == TZ_STORE_FLAG_INCOMPRESSIBLE, i);
        recompressed += prio == 1;
    }
    CHECK(recompressed > PAGES / 2);
    CHECK(stat_of(d.store, 4) == PAGES);
    /* Every page reads back, each decoded by its own kind. */
    CHECK(reads_back(&d, pages));
    /* A second pass finds nothing: recompressed pages have the highest priority, the rest are
     * incompressible. */
    CHECK(recompress(&d, 0, 0, -1, out) == TZ_OK && out[TZ_RECOMPRESS_OUT_CANDIDATES] == 0);
    /* An overwrite clears the flags and the priority. */
    CHECK(write_pages(&d, 1, pages + PAGE, 1) == TZ_OK);
    CHECK(tz_store_page_flags(d.store, 1, 1, flags) == TZ_OK && flags[0] == 0);
    CHECK(recompress(&d, TZ_RECOMPRESS_HUGE, 0, -1, out) == TZ_OK && out[TZ_RECOMPRESS_OUT_CANDIDATES] == 1);
    close_device(&d);
    free(pages);
}

static void threshold_and_type_select_pages(void) {
    static device d;
    uint8_t *pages = test_pages();
    CHECK(pages != NULL && open_device(&d));
    CHECK(write_pages(&d, 0, pages, PAGES) == TZ_OK);
    /* Pages below the threshold are left alone and do not count against max_pages; those at or above
     * it are recompressed only to below it. */
    double out[TZ_RECOMPRESS_OUT_SLOTS];
    int32_t at_least = 0;
    for (int32_t i = 0; i < PAGES; i++) at_least += d.kinds[i] != TZ_KIND_SAME && d.sizes[i] >= 2000;
    CHECK(recompress(&d, 0, 2000, -1, out) == TZ_OK);
    CHECK(out[TZ_RECOMPRESS_OUT_ATTEMPTED] == at_least);
    uint8_t flags[PAGES];
    CHECK(tz_store_page_flags(d.store, 0, PAGES, flags) == TZ_OK);
    for (int32_t i = 0; i < PAGES; i++)
        if (d.kinds[i] != TZ_KIND_SAME && d.sizes[i] < 2000) CHECK_AT(flags[i] == 0, i);
    /* type=huge: only the raw page (which zstd cannot shrink either). */
    CHECK(recompress(&d, TZ_RECOMPRESS_HUGE, 0, -1, out) == TZ_OK);
    CHECK(out[TZ_RECOMPRESS_OUT_CANDIDATES] == 0); /* it was marked incompressible by the pass above */
    /* Bad arguments change nothing. */
    int32_t comps[TZ_STORE_PRIORITIES] = {0, d.zstd, 0, 0};
    CHECK(tz_store_recompress(d.store, d.lz4, comps, 0, 2, 2, 0, 0, -1, out) == TZ_E_INVALID);
    CHECK(tz_store_recompress(d.store, d.lz4, comps, 1, 3, 2, 0, 0, -1, out) == TZ_E_INVALID);
    CHECK(tz_store_recompress(d.store, d.lz4, comps, 1, 2, 2, 0, TZ_STORE_HUGE_LEN, -1, out) == TZ_E_INVALID);
    CHECK(tz_store_recompress(d.store, d.lz4, comps, 1, 2, 2, 4, 0, -1, out) == TZ_E_INVALID);
    comps[1] = 0x7ffffff0;
    CHECK(tz_store_recompress(d.store, d.lz4, comps, 1, 2, 2, 0, 0, -1, out) == TZ_E_CLOSED);
    CHECK(reads_back(&d, pages));
    close_device(&d);
    free(pages);
}

void tests_store_postprocess(void) {
    RUN(idle_marks_follow_access_times);
    RUN(recompression_follows_zrams_rules);
    RUN(threshold_and_type_select_pages);
}
