/* The pool's threads: none before work, the caller takes part, idle workers leave, and bulk pre-faulting
 * of batch output changes no byte. */
#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

/* Pool worker threads of this process now (they carry the pool's thread name). */
static int thread_count(void) {
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char path[64], name[32] = {0};
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) continue; /* the thread just ended */
        n += fgets(name, sizeof name, f) != NULL && strcmp(name, "tz-pool-worker\n") == 0;
        fclose(f);
    }
    closedir(dir);
    return n;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits up to limit_ms for the thread count to fall to `at_most`; the count reached. */
static int threads_settle(int at_most, long limit_ms) {
    int now = thread_count();
    for (long waited = 0; now > at_most && waited < limit_ms; waited += 50) {
        sleep_ms(50);
        now = thread_count();
    }
    return now;
}

typedef struct pages {
    int32_t n;
    uint8_t *in, *arena, *kinds, *patterns;
    int32_t *offsets, *sizes;
} pages;

static pages corpus_batch(int32_t n) {
    pages p = {n, malloc((size_t)n * PAGE), calloc((size_t)n, PAGE), malloc((size_t)n), malloc((size_t)n * 8),
               malloc((size_t)n * 4), malloc((size_t)n * 4)};
    const corpus_file *f = &tz_corpus.files[0];
    for (int32_t i = 0; i < n; i++) memcpy(p.in + (size_t)i * PAGE, f->pages + (size_t)(i % f->count) * PAGE, PAGE);
    return p;
}

static void free_pages(pages *p) {
    free(p->in), free(p->arena), free(p->kinds), free(p->patterns), free(p->offsets), free(p->sizes);
}

static int32_t compress(int32_t h, pages *p) {
    return tz_compress_batch(h, p->in, p->n, PAGE, 8.0, p->arena, p->n * PAGE, p->offsets, p->sizes, p->kinds,
                             p->patterns);
}

static void unused_compressors_hold_no_threads(void) {
    enum { COMPRESSORS = 64 };
    int before = thread_count();
    int32_t handles[COMPRESSORS];
    for (int i = 0; i < COMPRESSORS; i++) handles[i] = tz_compressor_new(TZ_ALGO_LZ4, 0, 4, TZ_BACKEND_AUTO);
    int during = thread_count();
    for (int i = 0; i < COMPRESSORS; i++) CHECK_AT(handles[i] > 0 && tz_compressor_free(handles[i]) == TZ_OK, i);
    CHECK(during <= before);
}

static void workers_leave_when_idle_and_come_back(void) {
    int before = thread_count();
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 0, 4, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    pages p = corpus_batch(2048);
    int32_t first = compress(h, &p);
    CHECK(first > 0);
    /* A synchronous batch: the caller works too, so at most threads - 1 workers started. */
    int after_sync = thread_count();
    CHECK(after_sync > before && after_sync <= before + 3);
    int32_t job = tz_compress_batch_async(h, p.in, p.n, PAGE, 8.0, p.arena, p.n * PAGE, p.offsets, p.sizes,
                                          p.kinds, p.patterns);
    CHECK(job > 0 && tz_job_wait(job) == first);
    CHECK(thread_count() <= before + 4);
    CHECK(threads_settle(before, 3000) <= before);
    /* New threads for the next batch, same result. */
    CHECK(compress(h, &p) == first);
    CHECK(tz_compressor_free(h) == TZ_OK);
    free_pages(&p);
}

static void prefault_changes_no_byte(void) {
    CHECK(tz_batch_prefault(-1) == 0);
    CHECK(tz_batch_prefault(2) == TZ_E_INVALID);
    int32_t h = tz_compressor_new(TZ_ALGO_ADAPTIVE, 0, 2, TZ_BACKEND_AUTO);
    CHECK(h > 0);
    pages plain = corpus_batch(1500), populated = corpus_batch(1500);
    int32_t stored = compress(h, &plain);
    CHECK(stored > 0);
    int32_t previous = tz_batch_prefault(1);
    CHECK(previous == 0 || previous == TZ_E_UNSUPPORTED);
    CHECK(compress(h, &populated) == stored);
    CHECK(tz_batch_prefault(0) == (previous == 0 ? 1 : 0));
    CHECK(memcmp(plain.arena, populated.arena, (size_t)plain.n * PAGE) == 0);
    CHECK(memcmp(plain.offsets, populated.offsets, (size_t)plain.n * 4) == 0);
    CHECK(tz_compressor_free(h) == TZ_OK);
    free_pages(&plain);
    free_pages(&populated);
}

/* Several threads run synchronous batches on one compressor at once: one works with the caller state,
 * the others wait for the workers (with threads = 1, for the one worker). */
typedef struct racer {
    int32_t handle, expected;
    pages p;
    int ok;
} racer;

static void *race_batches(void *arg) {
    racer *r = arg;
    r->ok = 1;
    for (int round = 0; round < 20 && r->ok; round++) r->ok = compress(r->handle, &r->p) == r->expected;
    return NULL;
}

static void concurrent_sync_batches_share_the_workers(void) {
    enum { RACERS = 3 };
    for (int32_t threads = 1; threads <= 2; threads++) {
        int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 0, threads, TZ_BACKEND_AUTO);
        CHECK(h > 0);
        racer r[RACERS];
        pthread_t t[RACERS];
        for (int i = 0; i < RACERS; i++) {
            r[i].handle = h;
            r[i].p = corpus_batch(100 + 150 * i);
            r[i].expected = compress(h, &r[i].p);
            CHECK(r[i].expected > 0);
        }
        for (int i = 0; i < RACERS; i++) CHECK(pthread_create(&t[i], NULL, race_batches, &r[i]) == 0);
        for (int i = 0; i < RACERS; i++) pthread_join(t[i], NULL);
        for (int i = 0; i < RACERS; i++) {
            CHECK_AT(r[i].ok, i);
            free_pages(&r[i].p);
        }
        CHECK(tz_compressor_free(h) == TZ_OK);
    }
}

/* Whether a child can be kept from starting threads: the sanitizers' shadow memory does not live under an
 * address-space limit, and pthread_setattr_default_np needs glibc 2.18 (the release tests target 2.17). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !__GLIBC_PREREQ(2, 18)
#define TZ_THREADS_CAN_BE_STARVED 0
#else
#define TZ_THREADS_CAN_BE_STARVED 1
#endif

#if TZ_THREADS_CAN_BE_STARVED
/* In a child process that cannot start threads (an address-space limit below a thread stack), sync
 * and async batches still finish with the right results: the calling thread runs them. */
static int batches_without_threads(int32_t expected) {
    pages p = corpus_batch(600);
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 0, 2, TZ_BACKEND_AUTO);
    pthread_attr_t big;
    pthread_attr_init(&big);
    pthread_attr_setstacksize(&big, (size_t)256 << 20); /* larger than any stack glibc has cached */
    pthread_setattr_default_np(&big);
    long pages_now = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm == NULL || fscanf(statm, "%ld", &pages_now) != 1) return 10;
    fclose(statm);
    struct rlimit limit = {(rlim_t)pages_now * 4096 + (64 << 20), (rlim_t)pages_now * 4096 + (64 << 20)};
    if (setrlimit(RLIMIT_AS, &limit) != 0) return 11;
    if (compress(h, &p) != expected) return 12;
    int32_t job = tz_compress_batch_async(h, p.in, p.n, PAGE, 8.0, p.arena, p.n * PAGE, p.offsets, p.sizes,
                                          p.kinds, p.patterns);
    if (job <= 0 || tz_job_wait(job) != expected) return 13;
    if (thread_count() != 0) return 14;
    return tz_compressor_free(h) == TZ_OK ? 0 : 15;
}

static void batches_finish_when_no_thread_can_start(void) {
    int32_t h = tz_compressor_new(TZ_ALGO_LZ4, 0, 1, TZ_BACKEND_AUTO);
    pages p = corpus_batch(600);
    int32_t expected = compress(h, &p);
    CHECK(expected > 0 && tz_compressor_free(h) == TZ_OK);
    free_pages(&p);
    fflush(NULL);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) _exit(batches_without_threads(expected));
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
#endif

void tests_pool(void) {
#if TZ_THREADS_CAN_BE_STARVED
    RUN(batches_finish_when_no_thread_can_start);
#endif
    RUN(concurrent_sync_batches_share_the_workers);
    RUN(unused_compressors_hold_no_threads);
    RUN(workers_leave_when_idle_and_come_back);
    RUN(prefault_changes_no_byte);
}
