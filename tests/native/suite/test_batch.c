/* Batches equal single pages, async equals sync, the arena layout holds, and jobs outlive nothing. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

/* A batch: corpus pages interleaved with every edge page, so chunks mix kinds. */
typedef struct batch {
    int32_t n;
    uint8_t *pages, *arena, *kinds, *patterns, *out;
    int32_t *offsets, *sizes, *status;
} batch;

static batch make_batch(size_t corpus_pages) {
    size_t edges;
    const edge_page *e = edge_pages(&edges);
    batch b;
    memset(&b, 0, sizeof b);
    size_t from_corpus = corpus_pages < tz_corpus.total_pages ? corpus_pages : tz_corpus.total_pages;
    b.n = (int32_t)(from_corpus + edges);
    b.pages = malloc((size_t)b.n * PAGE);
    b.arena = malloc((size_t)b.n * PAGE);
    b.out = malloc((size_t)b.n * PAGE);
    b.kinds = malloc((size_t)b.n);
    b.patterns = malloc((size_t)b.n * 8);
    b.offsets = malloc((size_t)b.n * sizeof(int32_t));
    b.sizes = malloc((size_t)b.n * sizeof(int32_t));
    b.status = malloc((size_t)b.n * sizeof(int32_t));
    size_t k = 0, taken = 0;
    for (size_t f = 0; f < tz_corpus.file_count && taken < from_corpus; f++) {
        const corpus_file *cf = &tz_corpus.files[f];
        size_t want = (from_corpus - taken) < cf->count ? from_corpus - taken : cf->count;
        for (size_t i = 0; i < want; i++, taken++) {
            if (taken % 7 == 0 && k < edges) memcpy(b.pages + (taken + k) * PAGE, e[k].page, PAGE), k++;
            memcpy(b.pages + (taken + k) * PAGE, cf->pages + i * PAGE, PAGE);
        }
    }
    for (; k < edges; k++) memcpy(b.pages + (taken + k) * PAGE, e[k].page, PAGE);
    return b;
}

static void free_batch(batch *b) {
    free(b->pages), free(b->arena), free(b->out), free(b->kinds), free(b->patterns);
    free(b->offsets), free(b->sizes), free(b->status);
}

/* Checks page i of a compressed batch against the single-page call and the arena rules. */
static int page_matches_single(int32_t h, const batch *b, int32_t i) {
    uint8_t out[PAGE], meta[16];
    int32_t size = tz_compress_page(h, b->pages + (size_t)i * PAGE, PAGE, 8.0, out, PAGE, meta);
    if (size != b->sizes[i] || meta[0] != b->kinds[i] || memcmp(meta + 8, b->patterns + (size_t)i * 8, 8) != 0)
        return 0;
    if (b->offsets[i] < 0 || (int64_t)b->offsets[i] + b->sizes[i] > (int64_t)b->n * PAGE) return 0;
    return memcmp(out, b->arena + b->offsets[i], (size_t)size) == 0;
}

static void batch_equals_single_for_every_algorithm(void) {
    static const int32_t algos[][2] = {{TZ_ALGO_NONE, 0}, {TZ_ALGO_LZ4, 1}, {TZ_ALGO_LZ4HC, 4},
                                       {TZ_ALGO_ZSTD, 1}, {TZ_ALGO_ADAPTIVE, 0}};
    batch b = make_batch(3000);
    for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
        for (int32_t threads = 1; threads <= 3; threads++) {
            int32_t h = tz_compressor_new(algos[a][0], algos[a][1], threads, TZ_BACKEND_AUTO);
            CHECK(h > 0);
            int32_t total = tz_compress_batch(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets,
                                              b.sizes, b.kinds, b.patterns);
            CHECK(total >= 0);
            int64_t sum = 0;
            for (int32_t i = 0; i < b.n; i++) {
                CHECK_AT(page_matches_single(h, &b, i), i);
                sum += b.sizes[i];
            }
            CHECK(sum == total);
            memset(b.out, 0xee, (size_t)b.n * PAGE);
            CHECK(tz_decompress_batch(h, b.arena, b.n * PAGE, b.offsets, b.sizes, b.kinds, b.patterns, b.n,
                                      b.out, b.n * PAGE, b.status) == 0);
            CHECK(memcmp(b.out, b.pages, (size_t)b.n * PAGE) == 0);
            for (int32_t i = 0; i < b.n; i++) CHECK_AT(b.status[i] == 0, i);
            CHECK(tz_compressor_free(h) == TZ_OK);
        }
    }
    free_batch(&b);
}

static void stored_pages_never_overlap(void) {
    batch b = make_batch(5000);
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    CHECK(tz_compress_batch(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets, b.sizes, b.kinds,
                            b.patterns) >= 0);
    /* Mark every stored byte; a byte claimed twice means two pages overlap. */
    uint8_t *owner = calloc((size_t)b.n * PAGE, 1);
    int overlap = 0;
    for (int32_t i = 0; i < b.n; i++)
        for (int32_t k = 0; k < b.sizes[i]; k++) overlap |= owner[b.offsets[i] + k]++ != 0;
    free(owner);
    CHECK(!overlap);
    CHECK(tz_compressor_free(h) == TZ_OK);
    free_batch(&b);
}

static void empty_batch_is_zero(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    CHECK(tz_compress_batch(h, NULL, 0, PAGE, 8.0, NULL, 0, NULL, NULL, NULL, NULL) == 0);
    CHECK(tz_decompress_batch(h, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL) == 0);
    int32_t job = tz_compress_batch_async(h, NULL, 0, PAGE, 8.0, NULL, 0, NULL, NULL, NULL, NULL);
    CHECK(job > 0);
    CHECK(tz_job_wait(job) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

static void async_equals_sync(void) {
    batch b = make_batch(4000);
    batch a = make_batch(4000);
    int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    int32_t sync_total = tz_compress_batch(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets,
                                           b.sizes, b.kinds, b.patterns);
    int32_t job = tz_compress_batch_async(h, a.pages, a.n, PAGE, 8.0, a.arena, a.n * PAGE, a.offsets,
                                          a.sizes, a.kinds, a.patterns);
    CHECK(job > 0);
    int32_t result = 0, polled;
    while ((polled = tz_job_poll(job, &result)) == 0) {}
    CHECK(polled == 1);
    CHECK(result == sync_total);
    CHECK(tz_job_poll(job, &result) == TZ_E_CLOSED);
    CHECK(memcmp(a.sizes, b.sizes, (size_t)b.n * sizeof(int32_t)) == 0);
    CHECK(memcmp(a.offsets, b.offsets, (size_t)b.n * sizeof(int32_t)) == 0);
    CHECK(memcmp(a.kinds, b.kinds, (size_t)b.n) == 0);
    CHECK(memcmp(a.patterns, b.patterns, (size_t)b.n * 8) == 0);
    for (int32_t i = 0; i < b.n; i++) CHECK_AT(memcmp(a.arena + a.offsets[i], b.arena + b.offsets[i], (size_t)b.sizes[i]) == 0, i);
    job = tz_decompress_batch_async(h, a.arena, a.n * PAGE, a.offsets, a.sizes, a.kinds, a.patterns, a.n,
                                    a.out, a.n * PAGE, a.status);
    CHECK(job > 0);
    CHECK(tz_job_wait(job) == 0);
    CHECK(tz_job_wait(job) == TZ_E_CLOSED);
    CHECK(memcmp(a.out, a.pages, (size_t)a.n * PAGE) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
    free_batch(&a);
    free_batch(&b);
}

static void single_pages_run_beside_async_jobs(void) {
    batch b = make_batch(6000);
    int32_t h = tz_compressor_new(TZ_ALGO_ZSTD, 1, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    int32_t job = tz_compress_batch_async(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets,
                                          b.sizes, b.kinds, b.patterns);
    CHECK(job > 0);
    size_t edges;
    const edge_page *e = edge_pages(&edges);
    for (size_t i = 0; i < edges; i++) {
        uint8_t out[PAGE], meta[16], back[PAGE];
        int32_t size = tz_compress_page(h, e[i].page, PAGE, 8.0, out, PAGE, meta);
        CHECK_AT(size >= 0, i);
        CHECK_AT(tz_decompress_page(h, meta[0], out, size, meta + 8, back) == TZ_OK, i);
        CHECK_AT(memcmp(back, e[i].page, PAGE) == 0, i);
    }
    int32_t total = tz_job_wait(job);
    CHECK(total >= 0);
    CHECK(tz_decompress_batch(h, b.arena, b.n * PAGE, b.offsets, b.sizes, b.kinds, b.patterns, b.n, b.out,
                              b.n * PAGE, b.status) == 0);
    CHECK(memcmp(b.out, b.pages, (size_t)b.n * PAGE) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
    free_batch(&b);
}

static void free_waits_for_running_jobs(void) {
    batch b = make_batch(8000);
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 1, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    memset(b.sizes, 0xff, (size_t)b.n * sizeof(int32_t));
    int32_t job = tz_compress_batch_async(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets, b.sizes,
                                          b.kinds, b.patterns);
    CHECK(job > 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
    /* The job finished before free returned: every page has its result, and the job still answers. */
    for (int32_t i = 0; i < b.n; i++) CHECK_AT(b.sizes[i] >= 0 && b.sizes[i] <= PAGE, i);
    int32_t result = -100;
    CHECK(tz_job_poll(job, &result) == 1);
    CHECK(result >= 0);
    CHECK(tz_compress_batch_async(h, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets, b.sizes, b.kinds,
                                  b.patterns) == TZ_E_CLOSED);
    free_batch(&b);
}


/* Several threads share one compressor: synchronous batches, single pages and async jobs at once. */
typedef struct caller {
    int32_t handle;
    int ok;
} caller;

static void *call_everything(void *arg) {
    caller *c = arg;
    batch b = make_batch(700);
    c->ok = 1;
    for (int round = 0; round < 3 && c->ok; round++) {
        int32_t job = tz_compress_batch_async(c->handle, b.pages, b.n, PAGE, 8.0, b.arena, b.n * PAGE, b.offsets,
                                              b.sizes, b.kinds, b.patterns);
        uint8_t out[PAGE], meta[16], back[PAGE];
        for (int32_t i = 0; i < b.n && c->ok; i += 11) {
            int32_t size = tz_compress_page(c->handle, b.pages + (size_t)i * PAGE, PAGE, 8.0, out, PAGE, meta);
            c->ok = size >= 0 && tz_decompress_page(c->handle, meta[0], out, size, meta + 8, back) == TZ_OK &&
                    memcmp(back, b.pages + (size_t)i * PAGE, PAGE) == 0;
        }
        c->ok = c->ok && job > 0 && tz_job_wait(job) >= 0;
        c->ok = c->ok && tz_decompress_batch(c->handle, b.arena, b.n * PAGE, b.offsets, b.sizes, b.kinds, b.patterns,
                                             b.n, b.out, b.n * PAGE, b.status) == 0;
        c->ok = c->ok && memcmp(b.out, b.pages, (size_t)b.n * PAGE) == 0;
    }
    free_batch(&b);
    return NULL;
}

static void concurrent_callers_share_a_compressor(void) {
    enum { CALLERS = 4 };
    int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    pthread_t threads[CALLERS];
    caller callers[CALLERS];
    for (int t = 0; t < CALLERS; t++) {
        callers[t].handle = h;
        CHECK(pthread_create(&threads[t], NULL, call_everything, &callers[t]) == 0);
    }
    for (int t = 0; t < CALLERS; t++) pthread_join(threads[t], NULL);
    for (int t = 0; t < CALLERS; t++) CHECK_AT(callers[t].ok, t);
    CHECK(tz_compressor_free(h) == TZ_OK);
}

void tests_batch(void) {
    RUN(batch_equals_single_for_every_algorithm);
    RUN(stored_pages_never_overlap);
    RUN(empty_batch_is_zero);
    RUN(async_equals_sync);
    RUN(single_pages_run_beside_async_jobs);
    RUN(free_waits_for_running_jobs);
    RUN(concurrent_callers_share_a_compressor);
}
