/* Worker threads that claim chunks of the task at the head of a FIFO queue. The pool mutex guards the
 * queue and the chunk counters; a chunk is many pages, so taking it per chunk costs nothing measurable. */
#include <stdlib.h>

#include "trueno_zram.h"
#include "tz_pool.h"

struct tz_pool_worker {
    tz_pool *pool;
    pthread_t thread;
    tz_codec_state state;
};

/* Called with the mutex held: the next (task, chunk) to run, or NULL when asked to stop. */
static tz_task *claim_chunk(tz_pool *pool, int32_t *chunk) {
    while (pool->head == NULL && !pool->shutting_down) pthread_cond_wait(&pool->work_ready, &pool->mutex);
    tz_task *task = pool->head;
    if (task == NULL) return NULL;
    *chunk = task->next_chunk++;
    if (task->next_chunk == task->chunk_count) {
        pool->head = task->next;
        if (pool->head == NULL) pool->tail = NULL;
    }
    return task;
}

static void *worker_main(void *arg) {
    tz_pool_worker *worker = arg;
    tz_pool *pool = worker->pool;
    pthread_mutex_lock(&pool->mutex);
    for (;;) {
        int32_t chunk;
        tz_task *task = claim_chunk(pool, &chunk);
        if (task == NULL) break;
        pthread_mutex_unlock(&pool->mutex);
        task->run_chunk(task, chunk, &worker->state);
        pthread_mutex_lock(&pool->mutex);
        if (++task->done_chunks < task->chunk_count) continue;
        if (task->finish != NULL) {
            pthread_mutex_unlock(&pool->mutex);
            task->finish(task);
            pthread_mutex_lock(&pool->mutex);
        } else {
            task->done = 1;
            pthread_cond_broadcast(&pool->task_done);
        }
    }
    pthread_mutex_unlock(&pool->mutex);
    return NULL;
}

static void stop_workers(tz_pool *pool, int32_t started) {
    pthread_mutex_lock(&pool->mutex);
    pool->shutting_down = 1;
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->mutex);
    for (int32_t i = 0; i < started; i++) pthread_join(pool->workers[i].thread, NULL);
}

int32_t tz_pool_start(tz_pool *pool, int32_t worker_count, const tz_codec_config *cfg) {
    pool->head = pool->tail = NULL;
    pool->shutting_down = 0;
    pool->worker_count = worker_count;
    pool->workers = calloc((size_t)worker_count, sizeof *pool->workers);
    if (pool->workers == NULL) return TZ_E_NO_MEMORY;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->work_ready, NULL);
    pthread_cond_init(&pool->task_done, NULL);
    int32_t states = 0, started = 0;
    int32_t status = TZ_OK;
    for (; states < worker_count; states++) {
        status = tz_codec_state_init(&pool->workers[states].state, cfg);
        if (status != TZ_OK) break;
    }
    for (; status == TZ_OK && started < worker_count; started++) {
        pool->workers[started].pool = pool;
        if (pthread_create(&pool->workers[started].thread, NULL, worker_main, &pool->workers[started]) != 0)
            status = TZ_E_NO_MEMORY;
        if (status != TZ_OK) break;
    }
    if (status == TZ_OK) return TZ_OK;
    stop_workers(pool, started);
    for (int32_t i = 0; i < states; i++) tz_codec_state_destroy(&pool->workers[i].state);
    pthread_cond_destroy(&pool->task_done);
    pthread_cond_destroy(&pool->work_ready);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->workers);
    pool->workers = NULL;
    return status;
}

static void enqueue(tz_pool *pool, tz_task *task) {
    task->next = NULL;
    task->next_chunk = 0;
    task->done_chunks = 0;
    task->done = 0;
    if (pool->tail != NULL) pool->tail->next = task;
    else pool->head = task;
    pool->tail = task;
    pthread_cond_broadcast(&pool->work_ready);
}

void tz_pool_submit(tz_pool *pool, tz_task *task) {
    pthread_mutex_lock(&pool->mutex);
    enqueue(pool, task);
    pthread_mutex_unlock(&pool->mutex);
}

void tz_pool_run(tz_pool *pool, tz_task *task) {
    task->finish = NULL;
    pthread_mutex_lock(&pool->mutex);
    enqueue(pool, task);
    while (!task->done) pthread_cond_wait(&pool->task_done, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
}

void tz_pool_stop(tz_pool *pool) {
    stop_workers(pool, pool->worker_count);
    for (int32_t i = 0; i < pool->worker_count; i++) tz_codec_state_destroy(&pool->workers[i].state);
    pthread_cond_destroy(&pool->task_done);
    pthread_cond_destroy(&pool->work_ready);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->workers);
    pool->workers = NULL;
}
