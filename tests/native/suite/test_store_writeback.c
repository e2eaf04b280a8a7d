/* Writeback of the page store to a backing file, by the rules of Linux zram's zram_drv.c (read from the
 * source: this machine's kernel is built without CONFIG_ZRAM_WRITEBACK). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

#define PAGES 64

typedef struct wb_device {
    int32_t store, lz4;
    char path[64];
    uint8_t pages[PAGES * PAGE], arena[PAGES * PAGE], kinds[PAGES], patterns[PAGES * 8], reasons[PAGES];
    int32_t offsets[PAGES], sizes[PAGES], outcome[TZ_STORE_OUT_SLOTS];
} wb_device;

/* A store of PAGES pages holding corpus pages (page 0 zero-filled, page 1 random), with a backing file
 * of `blocks` blocks. */
static int open_wb(wb_device *d, int blocks) {
    d->store = tz_store_new(PAGES);
    d->lz4 = tz_compressor_new(TZ_ALGO_LZ4, 0, 1, TZ_BACKEND_AUTO);
    strcpy(d->path, "/tmp/trueno-wb-XXXXXX");
    int fd = mkstemp(d->path);
    if (d->store <= 0 || d->lz4 <= 0 || fd < 0 || ftruncate(fd, (off_t)blocks * PAGE) != 0) return 0;
    close(fd);
    memcpy(d->pages, tz_corpus.files[0].pages + 500 * PAGE, sizeof d->pages);
    memset(d->pages, 0, PAGE);
    uint64_t seed = 3;
    fill_random(d->pages + PAGE, PAGE, &seed);
    int32_t err[1];
    return tz_store_set_backing(d->store, (const uint8_t *)d->path, (int32_t)strlen(d->path), err) == TZ_OK &&
           tz_store_write(d->store, d->lz4, 0, d->pages, PAGES, 0, 8.0, d->arena, PAGES * PAGE, d->offsets, d->sizes,
                          d->kinds, d->patterns, d->reasons, d->outcome) == TZ_OK;
}

static void close_wb(wb_device *d) {
    tz_store_free(d->store);
    tz_compressor_free(d->lz4);
    unlink(d->path);
}

static double stat_of(int32_t store, int32_t slot) {
    double s[TZ_STORE_STAT_SLOTS];
    tz_store_stats(store, s);
    return s[slot];
}

static double bd_of(int32_t store, int32_t slot) {
    double s[4];
    tz_store_backing_stats(store, s);
    return s[slot];
}

static int reads_back(wb_device *d) {
    static uint8_t out[PAGES * PAGE];
    return tz_store_read(d->store, d->lz4, 0, PAGES, out, sizeof out) == 0 && memcmp(out, d->pages, sizeof out) == 0;
}

static int32_t writeback(wb_device *d, int32_t mode, int32_t lo, int32_t hi, int32_t limit_on, double *limit, double *out) {
    int32_t scans[3] = {lo, hi, mode};
    return tz_store_writeback(d->store, d->lz4, scans, 1, limit_on, limit, out);
}

static void written_back_pages_leave_the_pool_and_read_back(void) {
    static wb_device d;
    CHECK(open_wb(&d, 128));
    double before = stat_of(d.store, 3), out[TZ_WRITEBACK_OUT_SLOTS], limit = 0;
    /* Nothing idle yet: idle writeback selects nothing. */
    CHECK(writeback(&d, TZ_WRITEBACK_IDLE, 0, PAGES, 0, &limit, out) == TZ_OK && out[0] == 0);
    CHECK(tz_store_mark_idle(d.store, -1) == PAGES - 1);
    CHECK(writeback(&d, TZ_WRITEBACK_HUGE, 0, PAGES, 0, &limit, out) == TZ_OK && out[0] == 1);
    CHECK(stat_of(d.store, 7) == 0 && stat_of(d.store, 4) == PAGES && stat_of(d.store, 3) == before - PAGE);
    CHECK(writeback(&d, TZ_WRITEBACK_IDLE, 0, PAGES, 0, &limit, out) == TZ_OK && out[0] == PAGES - 2);
    /* Every page but the same-filled one is in the file; none in the pool. */
    CHECK(stat_of(d.store, 3) == 0 && stat_of(d.store, 0) == 0 && stat_of(d.store, 4) == PAGES);
    CHECK(bd_of(d.store, 0) == PAGES - 1 && bd_of(d.store, 2) == PAGES - 1 && bd_of(d.store, 1) == 0);
    uint8_t flags[PAGES];
    CHECK(tz_store_page_flags(d.store, 0, PAGES, flags) == TZ_OK);
    CHECK(flags[0] == 0 && flags[1] == TZ_STORE_FLAG_WRITTEN_BACK && flags[PAGES - 1] == TZ_STORE_FLAG_WRITTEN_BACK);
    CHECK(reads_back(&d) && bd_of(d.store, 1) == PAGES - 1);
    /* idle never marks written-back pages; they stay written back after a read. */
    CHECK(tz_store_mark_idle(d.store, -1) == 0);
    /* An overwrite and a discard free their blocks. */
    CHECK(tz_store_write(d.store, d.lz4, 2, d.pages + 2 * PAGE, 1, 0, 8.0, d.arena, PAGE, d.offsets, d.sizes, d.kinds,
                         d.patterns, d.reasons, d.outcome) == TZ_OK);
    CHECK(tz_store_discard(d.store, 3, 1) == TZ_OK);
    memset(d.pages + 3 * PAGE, 0, PAGE);
    CHECK(bd_of(d.store, 0) == PAGES - 3 && stat_of(d.store, 4) == PAGES - 1);
    CHECK(reads_back(&d));
    close_wb(&d);
}

static void limits_ranges_and_a_full_file(void) {
    static wb_device d;
    CHECK(open_wb(&d, 6)); /* blocks 1..5 */
    double out[TZ_WRITEBACK_OUT_SLOTS], limit = 2;
    /* writeback_limit: two pages, then it stops (zram: EIO). */
    CHECK(writeback(&d, 0, 10, 20, 1, &limit, out) == TZ_OK);
    CHECK(out[0] == 2 && out[2] == TZ_WRITEBACK_STOP_LIMIT && limit == 0);
    /* page_index ranges: page 30 only; a same-filled page is never written back. */
    limit = 0;
    CHECK(writeback(&d, 0, 30, 31, 0, &limit, out) == TZ_OK && out[0] == 1 && out[2] == 0);
    CHECK(writeback(&d, 0, 0, 1, 0, &limit, out) == TZ_OK && out[0] == 0);
    /* Two blocks left: the third page finds the file full (zram: ENOSPC). */
    CHECK(writeback(&d, 0, 40, 50, 0, &limit, out) == TZ_OK);
    CHECK(out[0] == 2 && out[2] == TZ_WRITEBACK_STOP_FULL && bd_of(d.store, 0) == 5);
    CHECK(reads_back(&d));
    /* Bad ranges and modes change nothing. */
    CHECK(writeback(&d, 0, 5, PAGES + 1, 0, &limit, out) == TZ_E_INVALID);
    CHECK(writeback(&d, 0, 9, 8, 0, &limit, out) == TZ_E_INVALID);
    CHECK(writeback(&d, 8, 0, 1, 0, &limit, out) == TZ_E_INVALID);
    close_wb(&d);
}

static void a_failed_file_write_leaves_the_page_in_memory(void) {
    static wb_device d;
    CHECK(open_wb(&d, 32));
    /* Writes past the second block fail (EFBIG) while this limit holds. */
    struct rlimit old;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {2 * PAGE, old.rlim_max};
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    double out[TZ_WRITEBACK_OUT_SLOTS], limit = 0, before = stat_of(d.store, 3);
    int32_t status = writeback(&d, 0, 2, 6, 0, &limit, out);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    CHECK(status == TZ_OK && out[0] == 1 && out[1] == 3);
    CHECK(bd_of(d.store, 0) == 1 && bd_of(d.store, 2) == 1);
    uint8_t flags[4];
    CHECK(tz_store_page_flags(d.store, 2, 4, flags) == TZ_OK);
    int written = 0;
    for (int i = 0; i < 4; i++) written += flags[i] == TZ_STORE_FLAG_WRITTEN_BACK;
    CHECK(written == 1 && stat_of(d.store, 3) < before);
    CHECK(reads_back(&d));
    close_wb(&d);
}

static void backing_files_are_checked(void) {
    int32_t store = tz_store_new(4), err[1];
    CHECK(store > 0);
    const char *missing = "/tmp/trueno-wb-missing/none";
    CHECK(tz_store_set_backing(store, (const uint8_t *)missing, (int32_t)strlen(missing), err) == TZ_E_INVALID);
    CHECK(err[0] == ENOENT);
    CHECK(tz_store_set_backing(store, (const uint8_t *)"/tmp", 4, err) == TZ_E_INVALID && err[0] == EISDIR);
    CHECK(tz_store_set_backing(store, (const uint8_t *)"/dev/null", 9, err) == TZ_E_INVALID && err[0] == ENOTBLK);
    char path[] = "/tmp/trueno-wb-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && ftruncate(fd, PAGE) == 0);
    close(fd);
    double limit = 0, out[TZ_WRITEBACK_OUT_SLOTS];
    int32_t scans[3] = {0, 4, 0};
    int32_t c = tz_compressor_new(TZ_ALGO_LZ4, 0, 1, TZ_BACKEND_AUTO);
    CHECK(tz_store_writeback(store, c, scans, 1, 0, &limit, out) == TZ_E_UNSUPPORTED);
    /* A one-block file is taken, once; block 0 is never used, so it is full at once. */
    CHECK(tz_store_set_backing(store, (const uint8_t *)path, (int32_t)strlen(path), err) == TZ_OK);
    CHECK(tz_store_set_backing(store, (const uint8_t *)path, (int32_t)strlen(path), err) == TZ_E_INVALID && err[0] == 0);
    uint8_t page[PAGE], arena[PAGE], kinds[1], patterns[8], reasons[1];
    int32_t offsets[1], sizes[1], outcome[TZ_STORE_OUT_SLOTS];
    memset(page, 'a', PAGE / 2);
    memset(page + PAGE / 2, 'b', PAGE / 2);
    CHECK(tz_store_write(store, c, 0, page, 1, 0, 8.0, arena, PAGE, offsets, sizes, kinds, patterns, reasons, outcome) == TZ_OK);
    CHECK(tz_store_writeback(store, c, scans, 1, 0, &limit, out) == TZ_OK && out[0] == 0 && out[2] == TZ_WRITEBACK_STOP_FULL);
    unlink(path);
    tz_compressor_free(c);
    tz_store_free(store);
}

void tests_store_writeback(void) {
    RUN(written_back_pages_leave_the_pool_and_read_back);
    RUN(limits_ranges_and_a_full_file);
    RUN(a_failed_file_write_leaves_the_page_in_memory);
    RUN(backing_files_are_checked);
}
