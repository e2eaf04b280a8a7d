/* The page store through its ABI: zram's write order (the high-water mark sampled before the limit
 * check, a refused page leaving the old one), the outcome slots, bad requests refused whole. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

/* One request's buffers for up to 8 pages. */
typedef struct request {
    uint8_t pages[8 * PAGE];
    uint8_t arena[8 * PAGE];
    int32_t offsets[8], sizes[8];
    uint8_t kinds[8], patterns[64], reasons[8], skip[8];
    int32_t outcome[TZ_STORE_OUT_SLOTS];
} request;

static double stat_of(int32_t store, int32_t slot) {
    double s[TZ_STORE_STAT_SLOTS];
    tz_store_stats(store, s);
    return s[slot];
}

static int32_t write_pages(int32_t store, int32_t c, int32_t first, int32_t n, request *r) {
    return tz_store_write(store, c, first, r->pages, n, 0, 8.0, r->arena, 8 * PAGE, r->offsets, r->sizes,
                          r->kinds, r->patterns, r->reasons, r->outcome);
}

static void writes_follow_zrams_order(void) {
    static request r;
    uint64_t seed = 7;
    int32_t c = tz_compressor_new(TZ_ALGO_LZ4, 0, 2, TZ_BACKEND_AUTO);
    int32_t store = tz_store_new(16);
    CHECK(c > 0 && store > 0);
    /* A random page (huge: one 4096 class page) and a zero page. */
    fill_random(r.pages, PAGE, &seed);
    memset(r.pages + PAGE, 0, PAGE);
    CHECK(write_pages(store, c, 0, 2, &r) == TZ_OK);
    CHECK(r.outcome[0] == 2 && r.outcome[1] == 0 && r.outcome[2] == 1 && r.outcome[3] == 1 && r.outcome[4] == PAGE);
    CHECK(r.kinds[0] == TZ_KIND_RAW && r.reasons[0] == TZ_STORE_RAW_HUGE && r.kinds[1] == TZ_KIND_SAME);
    CHECK(stat_of(store, 0) == 1 && stat_of(store, 4) == 2 && stat_of(store, 6) == 1 && stat_of(store, 7) == 1);
    /* Limit of one page: overwriting page 0 needs a second page first, so it is refused, after the
     * high-water mark saw it; page 0 keeps its old bytes. */
    CHECK(tz_store_set_limit(store, 1) == TZ_OK);
    uint8_t old[PAGE];
    memcpy(old, r.pages, PAGE);
    fill_random(r.pages, PAGE, &seed);
    CHECK(write_pages(store, c, 0, 1, &r) == TZ_OK);
    CHECK(r.outcome[0] == 0 && r.outcome[1] == TZ_STORE_REFUSED_LIMIT && r.outcome[5] == 0);
    CHECK(stat_of(store, 0) == 1 && stat_of(store, 1) == 2);
    uint8_t *out = malloc(2 * PAGE);
    CHECK(tz_store_read(store, c, 0, 2, out, 2 * PAGE) == 0);
    CHECK(memcmp(out, old, PAGE) == 0 && out[PAGE] == 0 && out[2 * PAGE - 1] == 0);
    /* A same-filled page frees first, so it is never refused. */
    memset(r.pages, 0xab, PAGE);
    CHECK(write_pages(store, c, 0, 1, &r) == TZ_OK && r.outcome[1] == 0 && stat_of(store, 0) == 0);
    uint8_t states[3];
    CHECK(tz_store_page_states(store, 0, 3, states) == TZ_OK);
    CHECK(states[0] == TZ_PAGE_DATA && states[1] == TZ_PAGE_ZERO && states[2] == TZ_PAGE_HOLE);
    CHECK(tz_store_reset_max(store) == TZ_OK && stat_of(store, 1) == 0);
    free(out);
    CHECK(tz_store_free(store) == TZ_OK && tz_compressor_free(c) == TZ_OK);
}

static void bad_requests_store_nothing(void) {
    static request r;
    int32_t c = tz_compressor_new(TZ_ALGO_LZ4, 0, 1, TZ_BACKEND_AUTO);
    int32_t store = tz_store_new(4);
    memset(r.pages, 'x', PAGE);
    CHECK(write_pages(store, c, 3, 2, &r) == TZ_E_INVALID);   /* past the end */
    CHECK(write_pages(store, c, -1, 1, &r) == TZ_E_INVALID);
    CHECK(write_pages(store, 0, 0, 1, &r) == TZ_E_CLOSED);    /* no such compressor */
    /* LZ4 accelerations run 1..65537. */
    CHECK(tz_store_write(store, c, 0, r.pages, 1, 65538, 8.0, r.arena, PAGE, r.offsets, r.sizes, r.kinds,
                         r.patterns, r.reasons, r.outcome) == TZ_E_INVALID);
    CHECK(stat_of(store, 4) == 0);
    /* A commit whose sizes do not fit its kinds or its arena is refused before anything is stored. */
    memset(r.skip, 0, sizeof r.skip);
    r.kinds[0] = TZ_KIND_LZ4;
    r.sizes[0] = 100;
    r.offsets[0] = PAGE - 50;
    CHECK(tz_store_commit(store, 0, 1, r.arena, PAGE, r.offsets, r.sizes, r.kinds, r.patterns, r.reasons, r.skip,
                          r.outcome) == TZ_E_INVALID);
    r.offsets[0] = 0;
    r.kinds[0] = 9;
    CHECK(tz_store_commit(store, 0, 1, r.arena, PAGE, r.offsets, r.sizes, r.kinds, r.patterns, r.reasons, r.skip,
                          r.outcome) == TZ_E_INVALID);
    r.kinds[0] = TZ_KIND_RAW;
    CHECK(tz_store_commit(store, 0, 1, r.arena, PAGE, r.offsets, r.sizes, r.kinds, r.patterns, r.reasons, r.skip,
                          r.outcome) == TZ_E_INVALID);
    CHECK(stat_of(store, 4) == 0 && stat_of(store, 0) == 0);
    CHECK(tz_store_discard(store, 2, 3) == TZ_E_INVALID);
    CHECK(tz_store_set_limit(store, -1) == TZ_E_INVALID && tz_store_set_limit(store, 0.5) == TZ_E_INVALID);
    CHECK(tz_store_new(0) == TZ_E_INVALID);
    CHECK(tz_store_free(store) == TZ_OK && tz_store_free(store) == TZ_E_CLOSED);
    CHECK(tz_store_stats(store, (double[TZ_STORE_STAT_SLOTS]){0}) == TZ_E_CLOSED);
    CHECK(tz_compressor_free(c) == TZ_OK);
}

void tests_store(void) {
    RUN(writes_follow_zrams_order);
    RUN(bad_requests_store_nothing);
}
