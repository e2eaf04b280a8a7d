/* Asynchronous batches: a job is a batch task queued on the compressor's pool plus its outcome. A job
 * holds its compressor handle from submission to completion, so tz_compressor_free waits for it. */
#include <stdlib.h>

#include "trueno_zram.h"
#include "tz_batch.h"
#include "tz_handles.h"

typedef struct tz_job {
    tz_batch_task batch; /* first member: the pool's task pointer is the job pointer */
    int32_t compressor_handle;
    int finished;
    int32_t result;
} tz_job;

static tz_handle_table jobs = TZ_HANDLE_TABLE_INIT;
static pthread_mutex_t jobs_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_finished = PTHREAD_COND_INITIALIZER;

static void finish_job(tz_task *task) {
    tz_job *job = (tz_job *)task;
    /* Read before publishing: once finished is set, a waiter may free the job. */
    int32_t compressor_handle = job->compressor_handle;
    pthread_mutex_lock(&jobs_mutex);
    job->result = (int32_t)job->batch.result;
    job->finished = 1;
    pthread_cond_broadcast(&jobs_finished);
    pthread_mutex_unlock(&jobs_mutex);
    tz_compressor_release(compressor_handle);
}

/* Takes over the caller's hold on the compressor; on failure releases it. */
static int32_t submit(tz_compressor *c, int32_t handle, tz_job *job) {
    job->compressor_handle = handle;
    int32_t id = tz_handle_insert(&jobs, job);
    if (id < 0) {
        free(job);
        tz_compressor_release(handle);
        return id;
    }
    job->batch.task.finish = finish_job;
    if (job->batch.task.chunk_count == 0) finish_job(&job->batch.task);
    else tz_pool_submit(&c->pool, &job->batch.task);
    return id;
}

TZ_API int32_t tz_compress_batch_async(int32_t handle, const uint8_t *pages, int32_t n,
                                       int32_t raw_threshold, double entropy_limit, uint8_t *arena,
                                       int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                       uint8_t *patterns) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    tz_job *job = calloc(1, sizeof *job);
    int32_t status = job == NULL ? TZ_E_NO_MEMORY
                                 : tz_batch_prepare_compress(&job->batch, c, pages, n, raw_threshold,
                                                             entropy_limit, arena, arena_cap, offsets, sizes,
                                                             kinds, patterns);
    if (status != TZ_OK) {
        free(job);
        tz_compressor_release(handle);
        return status;
    }
    return submit(c, handle, job);
}

TZ_API int32_t tz_decompress_batch_async(int32_t handle, const uint8_t *arena, int32_t arena_len,
                                         const int32_t *offsets, const int32_t *sizes,
                                         const uint8_t *kinds, const uint8_t *patterns, int32_t n,
                                         uint8_t *out, int32_t out_cap, int32_t *status) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    tz_job *job = calloc(1, sizeof *job);
    int32_t result = job == NULL ? TZ_E_NO_MEMORY
                                 : tz_batch_prepare_decompress(&job->batch, c, arena, arena_len, offsets,
                                                               sizes, kinds, patterns, n, out, out_cap,
                                                               status);
    if (result != TZ_OK) {
        free(job);
        tz_compressor_release(handle);
        return result;
    }
    return submit(c, handle, job);
}

/* Ends a finished job for the caller that saw it finish: the first to remove it frees it. */
static void retire(int32_t id) {
    tz_job *job = tz_handle_remove(&jobs, id);
    free(job);
}

TZ_API int32_t tz_job_poll(int32_t id, int32_t *result_out) {
    tz_job *job = tz_handle_acquire(&jobs, id);
    if (job == NULL) return TZ_E_CLOSED;
    if (result_out == NULL) {
        tz_handle_release(&jobs, id);
        return TZ_E_INVALID;
    }
    pthread_mutex_lock(&jobs_mutex);
    int finished = job->finished;
    int32_t result = job->result;
    pthread_mutex_unlock(&jobs_mutex);
    tz_handle_release(&jobs, id);
    if (!finished) return 0;
    result_out[0] = result;
    retire(id);
    return 1;
}

TZ_API int32_t tz_job_wait(int32_t id) {
    tz_job *job = tz_handle_acquire(&jobs, id);
    if (job == NULL) return TZ_E_CLOSED;
    pthread_mutex_lock(&jobs_mutex);
    while (!job->finished) pthread_cond_wait(&jobs_finished, &jobs_mutex);
    int32_t result = job->result;
    pthread_mutex_unlock(&jobs_mutex);
    tz_handle_release(&jobs, id);
    retire(id);
    return result;
}
