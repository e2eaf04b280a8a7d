/* One native call per write request: compress on the compressor's worker threads, then store in page
 * order (allocation order decides zspages, so it is sequential, as zsmalloc.md requires). Also the
 * asynchronous compression half and the commit of a request compressed elsewhere. */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "tz_handles.h"
#include "store.h"
#include "store_compress.h"

TZ_API int32_t tz_store_write(int32_t handle, int32_t compressor, int32_t first_page, const uint8_t *pages,
                              int32_t n, int32_t level, double entropy_limit, uint8_t *arena,
                              int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                              uint8_t *patterns, uint8_t *reasons, int32_t *outcome_out) {
    if (outcome_out == NULL) return TZ_E_INVALID;
    tz_compressor *c = tz_compressor_acquire(compressor);
    if (c == NULL) return TZ_E_CLOSED;
    tz_store_compress_task task;
    int32_t status = tz_store_compress_prepare(&task, c, pages, n, level, entropy_limit, arena, arena_cap,
                                               offsets, sizes, kinds, patterns, reasons);
    tz_store *store = status == TZ_OK ? tz_store_enter(handle) : NULL;
    if (status == TZ_OK && store == NULL) status = TZ_E_CLOSED;
    if (status == TZ_OK && tz_store_check_range(store, first_page, n) != TZ_OK) {
        tz_store_leave(handle, store);
        status = TZ_E_INVALID;
    }
    if (status != TZ_OK) {
        tz_compressor_release(compressor);
        return status;
    }
    tz_pool_run(&c->pool, &task.task);
    tz_compressor_release(compressor);
    tz_store_batch batch = {arena, offsets, sizes, kinds, patterns, reasons};
    tz_store_commit_batch(store, (uint32_t)first_page, n, &batch, NULL, outcome_out);
    tz_store_leave(handle, store);
    return TZ_OK;
}

/* An asynchronous compression: the task, and its end as the poller sees it. */
typedef struct store_job {
    tz_store_compress_task compress; /* first member: the pool's task pointer is the job pointer */
    int32_t compressor;
    int finished; /* read and written atomically */
} store_job;

static tz_handle_table jobs = TZ_HANDLE_TABLE_INIT;

static void finish_job(tz_task *task) {
    store_job *job = (store_job *)task;
    int32_t compressor = job->compressor;
    __atomic_store_n(&job->finished, 1, __ATOMIC_RELEASE);
    tz_compressor_release(compressor);
}

TZ_API int32_t tz_store_compress_async(int32_t compressor, const uint8_t *pages, int32_t n, int32_t level,
                                       double entropy_limit, uint8_t *arena, int32_t arena_cap,
                                       int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns,
                                       uint8_t *reasons) {
    tz_compressor *c = tz_compressor_acquire(compressor);
    if (c == NULL) return TZ_E_CLOSED;
    store_job *job = calloc(1, sizeof *job);
    int32_t status = job == NULL ? TZ_E_NO_MEMORY
                                 : tz_store_compress_prepare(&job->compress, c, pages, n, level, entropy_limit,
                                                             arena, arena_cap, offsets, sizes, kinds, patterns,
                                                             reasons);
    int32_t id = status == TZ_OK ? tz_handle_insert(&jobs, job) : status;
    if (id < 0) {
        free(job);
        tz_compressor_release(compressor);
        return id;
    }
    /* The job keeps the hold on the compressor until its last chunk ran. */
    job->compressor = compressor;
    job->compress.task.finish = finish_job;
    tz_pool_submit(&c->pool, &job->compress.task);
    return id;
}

TZ_API int32_t tz_store_job_poll(int32_t id, int32_t *result_out) {
    if (result_out == NULL) return TZ_E_INVALID;
    store_job *job = tz_handle_acquire(&jobs, id);
    if (job == NULL) return TZ_E_CLOSED;
    int finished = __atomic_load_n(&job->finished, __ATOMIC_ACQUIRE);
    tz_handle_release(&jobs, id);
    if (!finished) return 0;
    /* The first poller to see the end removes the job; a second one finds it unknown. */
    job = tz_handle_remove(&jobs, id);
    if (job == NULL) return TZ_E_CLOSED;
    free(job);
    result_out[0] = TZ_OK;
    return 1;
}

/* A request's layout, checked before anything is stored. */
static int32_t check_batch(int32_t n, const uint8_t *arena, int32_t arena_len, const int32_t *offsets,
                           const int32_t *sizes, const uint8_t *kinds, const uint8_t *patterns,
                           const uint8_t *reasons, const uint8_t *skip) {
    if (n < 0 || n > TZ_MAX_BATCH_PAGES || arena_len < 0) return TZ_E_INVALID;
    if (n > 0 && (offsets == NULL || sizes == NULL || kinds == NULL || patterns == NULL || reasons == NULL ||
                  skip == NULL || (arena == NULL && arena_len > 0)))
        return TZ_E_INVALID;
    for (int32_t i = 0; i < n; i++) {
        int32_t size = sizes[i];
        int ok = kinds[i] == TZ_KIND_SAME ? size == 0
                 : kinds[i] == TZ_KIND_RAW ? size == TZ_PAGE_SIZE
                 : kinds[i] == TZ_KIND_LZ4 || kinds[i] == TZ_KIND_ZSTD || kinds[i] == TZ_KIND_GPU_LZ4
                     ? size >= 1 && size <= TZ_PAGE_SIZE
                     : 0;
        if (!ok || offsets[i] < 0 || (int64_t)offsets[i] + size > arena_len) return TZ_E_INVALID;
    }
    return TZ_OK;
}

TZ_API int32_t tz_store_commit(int32_t handle, int32_t first_page, int32_t n, const uint8_t *arena,
                               int32_t arena_len, const int32_t *offsets, const int32_t *sizes,
                               const uint8_t *kinds, const uint8_t *patterns, const uint8_t *reasons,
                               const uint8_t *skip, int32_t *outcome_out) {
    if (outcome_out == NULL) return TZ_E_INVALID;
    int32_t status = check_batch(n, arena, arena_len, offsets, sizes, kinds, patterns, reasons, skip);
    if (status != TZ_OK) return status;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    if (tz_store_check_range(store, first_page, n) != TZ_OK) {
        tz_store_leave(handle, store);
        return TZ_E_INVALID;
    }
    tz_store_batch batch = {arena, offsets, sizes, kinds, patterns, reasons};
    tz_store_commit_batch(store, (uint32_t)first_page, n, &batch, skip, outcome_out);
    tz_store_leave(handle, store);
    return TZ_OK;
}
