/*
 * page_loop: the single-thread ceiling the FFI batch path is measured against.
 * Compresses and decompresses a file of 4096-byte pages one page per call with the reference liblz4 /
 * libzstd, reusing one codec state per thread, as a tight C program would. A page that does not shrink is
 * stored raw (memcpy both ways), as every page store does. Prints one JSON object with its own timing.
 *
 *   page_loop FILE lz4|zstd LEVEL THREADS MIN_SECONDS
 *
 * Each phase (compress all pages, decompress all pages) is repeated until MIN_SECONDS have passed (at
 * least 3 and at most MAX_REPS times); the median and the fastest repetition are reported. With THREADS > 1 the pages are split into contiguous slices, one per
 * thread, and a repetition is timed from the common start to the last thread's end.
 */
#define _POSIX_C_SOURCE 200809L
#include <lz4.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#define PAGE 4096
#define MAX_THREADS 64
#define MAX_REPS 4096

enum algo { ALGO_LZ4, ALGO_ZSTD };

struct slice {
    enum algo algo;
    int level;
    const uint8_t *pages;
    size_t first, count;
    uint8_t *arena; /* PAGE bytes reserved per page: page i at arena + i * PAGE */
    int32_t *sizes;
    uint8_t *out;
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    int failed;
    pthread_barrier_t *start;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void compress_slice(struct slice *s) {
    for (size_t i = s->first; i < s->first + s->count; i++) {
        const char *src = (const char *)s->pages + i * PAGE;
        char *dst = (char *)s->arena + i * PAGE;
        int n;
        if (s->algo == ALGO_LZ4) {
            n = LZ4_compress_fast(src, dst, PAGE, PAGE - 1, s->level);
        } else {
            size_t r = ZSTD_compressCCtx(s->cctx, dst, PAGE - 1, src, PAGE, s->level);
            n = ZSTD_isError(r) ? 0 : (int)r;
        }
        if (n <= 0) { /* does not shrink: store raw */
            memcpy(dst, src, PAGE);
            n = PAGE;
        }
        s->sizes[i] = n;
    }
}

static void decompress_slice(struct slice *s) {
    for (size_t i = s->first; i < s->first + s->count; i++) {
        const char *src = (const char *)s->arena + i * PAGE;
        char *dst = (char *)s->out + i * PAGE;
        int n = s->sizes[i];
        if (n == PAGE) {
            memcpy(dst, src, PAGE);
            continue;
        }
        if (s->algo == ALGO_LZ4) {
            if (LZ4_decompress_safe(src, dst, n, PAGE) != PAGE) s->failed = 1;
        } else {
            size_t r = ZSTD_decompressDCtx(s->dctx, dst, PAGE, src, (size_t)n);
            if (ZSTD_isError(r) || r != PAGE) s->failed = 1;
        }
    }
}

static int phase; /* 0 = compress, 1 = decompress; set before the threads are released */

static void *worker(void *arg) {
    struct slice *s = arg;
    pthread_barrier_wait(s->start);
    if (phase == 0) compress_slice(s);
    else decompress_slice(s);
    return NULL;
}

/* One timed repetition of the current phase over all slices. */
static double run_once(struct slice *slices, int threads) {
    pthread_t tid[MAX_THREADS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        slices[t].start = &start;
        pthread_create(&tid[t], NULL, worker, &slices[t]);
    }
    double t0 = now_s();
    pthread_barrier_wait(&start);
    for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    double dt = now_s() - t0;
    pthread_barrier_destroy(&start);
    return dt;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct timing {
    double median_s, min_s;
    int reps;
};

/* Single thread runs inline, so the ceiling carries no thread start-up cost. */
static struct timing run_phase(struct slice *slices, int threads, double min_s) {
    static double times[MAX_REPS];
    double spent = 0;
    int reps = 0;
    while ((spent < min_s || reps < 3) && reps < MAX_REPS) {
        double dt;
        if (threads == 1) {
            double t0 = now_s();
            if (phase == 0) compress_slice(&slices[0]);
            else decompress_slice(&slices[0]);
            dt = now_s() - t0;
        } else {
            dt = run_once(slices, threads);
        }
        times[reps++] = dt;
        spent += dt;
    }
    qsort(times, (size_t)reps, sizeof times[0], cmp_double);
    double median = reps % 2 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
    return (struct timing){median, times[0], reps};
}

static int usage(void) {
    fprintf(stderr, "usage: page_loop FILE lz4|zstd LEVEL THREADS MIN_SECONDS\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 6) return usage();
    enum algo algo;
    if (strcmp(argv[2], "lz4") == 0) algo = ALGO_LZ4;
    else if (strcmp(argv[2], "zstd") == 0) algo = ALGO_ZSTD;
    else return usage();
    int level = atoi(argv[3]);
    int threads = atoi(argv[4]);
    double min_s = atof(argv[5]);
    if (level < 1 || threads < 1 || threads > MAX_THREADS || !(min_s >= 0)) return usage();

    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "page_loop: cannot open %s\n", argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (len <= 0 || len % PAGE != 0) {
        fprintf(stderr, "page_loop: %s is not a non-empty file of whole %d-byte pages\n", argv[1], PAGE);
        return 1;
    }
    size_t n = (size_t)len / PAGE;
    uint8_t *pages = malloc((size_t)len), *arena = malloc((size_t)len), *out = malloc((size_t)len);
    int32_t *sizes = malloc(n * sizeof *sizes);
    if (!pages || !arena || !out || !sizes || fread(pages, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "page_loop: cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);

    struct slice slices[MAX_THREADS];
    size_t per = n / (size_t)threads, extra = n % (size_t)threads, first = 0;
    for (int t = 0; t < threads; t++) {
        size_t count = per + ((size_t)t < extra ? 1 : 0);
        slices[t] = (struct slice){algo, level, pages, first, count, arena, sizes, out,
                                   algo == ALGO_ZSTD ? ZSTD_createCCtx() : NULL,
                                   algo == ALGO_ZSTD ? ZSTD_createDCtx() : NULL, 0, NULL};
        first += count;
    }

    phase = 0;
    struct timing ct = run_phase(slices, threads, min_s);
    phase = 1;
    struct timing dt = run_phase(slices, threads, min_s);

    int failed = 0;
    for (int t = 0; t < threads; t++) failed |= slices[t].failed;
    if (failed || memcmp(pages, out, (size_t)len) != 0) {
        fprintf(stderr, "page_loop: round trip mismatch\n");
        return 1;
    }
    unsigned long long stored = 0;
    for (size_t i = 0; i < n; i++) stored += (unsigned long long)sizes[i];
    printf("{\"algo\":\"%s\",\"level\":%d,\"threads\":%d,\"pages\":%zu,\"bytes\":%ld,\"stored\":%llu,"
           "\"compress_median_s\":%.9f,\"compress_min_s\":%.9f,\"compress_reps\":%d,"
           "\"decompress_median_s\":%.9f,\"decompress_min_s\":%.9f,\"decompress_reps\":%d}\n",
           argv[2], level, threads, n, len, stored, ct.median_s, ct.min_s, ct.reps, dt.median_s, dt.min_s,
           dt.reps);
    for (int t = 0; t < threads; t++) {
        ZSTD_freeCCtx(slices[t].cctx);
        ZSTD_freeDCtx(slices[t].dctx);
    }
    free(pages);
    free(arena);
    free(out);
    free(sizes);
    return 0;
}
