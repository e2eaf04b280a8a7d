/* `zig build measure` (always against a ReleaseFast build of the library): for each corpus file, the ratio and single-thread
 * compress/decompress speed of LZ4, Zstd-1 and Adaptive through the library's batch calls on a
 * one-thread compressor (which run on the calling thread). The algorithms take turns in each of
 * ROUNDS rounds and the best time of each counts, so a burst of load elsewhere on the machine does
 * not favour one of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "trueno_zram.h"

#define PAGE 4096
#define ROUNDS 7
#define RANDOM_PAGES 2048

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct result {
    double compress_s, decompress_s; /* best so far */
    int32_t total;
    int32_t kinds[6];
} result;

typedef struct buffers {
    uint8_t *arena, *out, *kinds, *patterns;
    int32_t *offsets, *sizes, *status;
} buffers;

/* One compress + decompress of the whole file; 0 when the pages come back intact. */
static int run_once(int32_t h, const corpus_file *f, buffers *b, result *r) {
    int32_t n = (int32_t)f->count;
    double t0 = now();
    int32_t total = tz_compress_batch(h, f->pages, n, PAGE, 8.0, b->arena, n * PAGE, b->offsets, b->sizes,
                                      b->kinds, b->patterns);
    double t1 = now();
    int32_t failed = tz_decompress_batch(h, b->arena, n * PAGE, b->offsets, b->sizes, b->kinds, b->patterns, n,
                                         b->out, n * PAGE, b->status);
    double t2 = now();
    if (total < 0 || failed != 0 || memcmp(b->out, f->pages, (size_t)n * PAGE) != 0) return -1;
    if (t1 - t0 < r->compress_s) r->compress_s = t1 - t0;
    if (t2 - t1 < r->decompress_s) r->decompress_s = t2 - t1;
    r->total = total;
    memset(r->kinds, 0, sizeof r->kinds);
    for (int32_t i = 0; i < n; i++) r->kinds[b->kinds[i] < 6 ? b->kinds[i] : 0]++;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    corpus c;
    if (corpus_load(argv[1], &c) != 0) return 1;
    /* Beside the real pages, incompressible ones (the corpus has none): the RAW path's cost. */
    if (c.file_count < sizeof c.files / sizeof c.files[0]) {
        corpus_file *r = &c.files[c.file_count];
        snprintf(r->name, sizeof r->name, "random");
        r->count = RANDOM_PAGES;
        r->pages = malloc(RANDOM_PAGES * PAGE);
        uint64_t x = 0x243f6a8885a308d3ULL;
        for (size_t i = 0; r->pages != NULL && i < RANDOM_PAGES * PAGE; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            r->pages[i] = (uint8_t)(x >> 32);
        }
        if (r->pages != NULL) c.file_count++;
    }
    static const struct { const char *name; int32_t algorithm, level; } algos[] = {
        {"lz4", TZ_ALGO_LZ4, 1}, {"zstd-1", TZ_ALGO_ZSTD, 1}, {"adaptive", TZ_ALGO_ADAPTIVE, 0}};
    printf("%-14s %-9s %7s %12s %12s   %s\n", "file", "algorithm", "ratio", "comp MB/s", "decomp MB/s",
           "pages same/lz4/zstd/raw");
    enum { ALGOS = sizeof algos / sizeof algos[0] };
    int32_t handles[ALGOS];
    for (size_t a = 0; a < ALGOS; a++) handles[a] = tz_compressor_new(algos[a].algorithm, algos[a].level, 1, TZ_BACKEND_AUTO);
    int status = 0;
    for (size_t f = 0; f < c.file_count && status == 0; f++) {
        size_t n = c.files[f].count;
        buffers b = {malloc(n * PAGE), malloc(n * PAGE), malloc(n), malloc(n * 8), malloc(n * 4), malloc(n * 4), malloc(n * 4)};
        result r[ALGOS];
        for (size_t a = 0; a < ALGOS; a++) r[a].compress_s = r[a].decompress_s = 1e30;
        for (int round = 0; round < ROUNDS && status == 0; round++)
            for (size_t a = 0; a < ALGOS && status == 0; a++)
                if (handles[a] <= 0 || !b.arena || !b.out || !b.kinds || !b.patterns || !b.offsets || !b.sizes ||
                    !b.status || run_once(handles[a], &c.files[f], &b, &r[a]) != 0) {
                    fprintf(stderr, "%s %s: round trip failed\n", c.files[f].name, algos[a].name);
                    status = 1;
                }
        double bytes = (double)n * PAGE;
        for (size_t a = 0; a < ALGOS && status == 0; a++)
            printf("%-14s %-9s %7.3f %12.0f %12.0f   %d/%d/%d/%d\n", c.files[f].name, algos[a].name,
                   bytes / (r[a].total > 0 ? r[a].total : 1), bytes / r[a].compress_s / 1e6,
                   bytes / r[a].decompress_s / 1e6, r[a].kinds[TZ_KIND_SAME], r[a].kinds[TZ_KIND_LZ4],
                   r[a].kinds[TZ_KIND_ZSTD], r[a].kinds[TZ_KIND_RAW]);
        free(b.arena), free(b.out), free(b.kinds), free(b.patterns), free(b.offsets), free(b.sizes), free(b.status);
    }
    for (size_t a = 0; a < ALGOS; a++)
        if (handles[a] > 0) tz_compressor_free(handles[a]);
    corpus_free(&c);
    return status;
}
