/* Worker threads that claim chunks of the task at the head of a FIFO queue. The pool mutex guards the
 * queue, the chunk counters and the thread bookkeeping; a chunk is many pages, so taking it per chunk
 * costs nothing measurable. Lock order: caller_mutex before mutex. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "trueno_zram.h"
#include "tz_pool.h"

enum { WORKER_NONE, WORKER_RUNNING, WORKER_EXITED };

struct tz_pool_worker {
    tz_pool *pool;
    pthread_t thread;
    int status; /* WORKER_*, guarded by the pool mutex; an EXITED thread still has to be joined */
    tz_codec_state state;
};

static void unlink_task(tz_pool *pool, tz_task *task) {
    tz_task **link = &pool->head;
    tz_task *prev = NULL;
    while (*link != task) {
        prev = *link;
        link = &prev->next;
    }
    *link = task->next;
    if (pool->tail == task) pool->tail = prev;
}

/* Mutex held, task queued: claims its next chunk and unqueues it when that was the last one. */
static int32_t claim_chunk_of(tz_pool *pool, tz_task *task) {
    int32_t chunk = task->next_chunk++;
    if (task->next_chunk == task->chunk_count) unlink_task(pool, task);
    return chunk;
}

/* Runs a claimed chunk without the lock and returns with it held. 1 when that finished the task: it
 * may be gone then (an async task's finish hands it on), so the caller must not touch it again. */
static int run_claimed(tz_pool *pool, tz_task *task, int32_t chunk, tz_codec_state *state) {
    pthread_mutex_unlock(&pool->mutex);
    task->run_chunk(task, chunk, state);
    pthread_mutex_lock(&pool->mutex);
    if (++task->done_chunks < task->chunk_count) return 0;
    if (task->finish != NULL) {
        pthread_mutex_unlock(&pool->mutex);
        task->finish(task);
        pthread_mutex_lock(&pool->mutex);
    } else {
        task->done = 1;
        pthread_cond_broadcast(&pool->task_done);
    }
    return 1;
}

/* Mutex held: waits until work is queued, the pool stops or TZ_POOL_IDLE_EXIT_MS pass; 1 if work came. */
static int wait_for_work(tz_pool *pool) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += TZ_POOL_IDLE_EXIT_MS / 1000;
    deadline.tv_nsec += (long)(TZ_POOL_IDLE_EXIT_MS % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pool->idle++;
    int timed_out = 0;
    while (pool->head == NULL && !pool->shutting_down && !timed_out)
        timed_out = pthread_cond_timedwait(&pool->work_ready, &pool->mutex, &deadline) == ETIMEDOUT;
    pool->idle--;
    return pool->head != NULL;
}

static void *worker_main(void *arg) {
    tz_pool_worker *worker = arg;
    tz_pool *pool = worker->pool;
    pthread_mutex_lock(&pool->mutex);
    for (;;) {
        tz_task *task = pool->head;
        if (task != NULL) run_claimed(pool, task, claim_chunk_of(pool, task), &worker->state);
        else if (pool->shutting_down || !wait_for_work(pool)) break;
    }
    /* Decided under the mutex with the queue empty: a task queued later sees running without us. */
    worker->status = WORKER_EXITED;
    pool->running--;
    pthread_mutex_unlock(&pool->mutex);
    return NULL;
}

/* Mutex held: a thread for a free slot. 0 when none could be created. */
static int start_worker(tz_pool *pool, tz_pool_worker *worker) {
    /* An exited thread has released the mutex for good, so joining it here cannot wait on us. */
    if (worker->status == WORKER_EXITED) pthread_join(worker->thread, NULL);
    worker->status = WORKER_NONE;
    if (pthread_create(&worker->thread, NULL, worker_main, worker) != 0) return 0;
    pthread_setname_np(worker->thread, TZ_POOL_THREAD_NAME);
    worker->status = WORKER_RUNNING;
    pool->running++;
    return 1;
}

/* Mutex held: makes `want` workers (at most the pool's) look at the queue, starting threads as needed. */
static void wake_workers(tz_pool *pool, int32_t want) {
    for (int32_t i = 0; i < pool->worker_count && pool->running < want; i++) {
        if (pool->workers[i].status != WORKER_RUNNING && !start_worker(pool, &pool->workers[i])) break;
    }
    if (want >= pool->idle) pthread_cond_broadcast(&pool->work_ready);
    else
        for (int32_t k = 0; k < want; k++) pthread_cond_signal(&pool->work_ready);
}

/* Mutex and caller_mutex held, task queued: runs chunks of this task until none is left to claim. */
static void help_with(tz_pool *pool, tz_task *task) {
    while (task->next_chunk < task->chunk_count) {
        if (run_claimed(pool, task, claim_chunk_of(pool, task), &pool->caller_state)) return;
    }
}

/* Runs a task no worker can see (no thread could be started for it) on this thread, then finishes it.
 * Nothing of the pool is touched after an async task's finish: the compressor may be freed from then on. */
static void run_alone(tz_pool *pool, tz_task *task) {
    pthread_mutex_lock(&pool->caller_mutex);
    for (int32_t chunk = 0; chunk < task->chunk_count; chunk++) task->run_chunk(task, chunk, &pool->caller_state);
    pthread_mutex_unlock(&pool->caller_mutex);
    if (task->finish != NULL) task->finish(task);
    else task->done = 1;
}

static void destroy_states(tz_pool *pool, int32_t states) {
    for (int32_t i = 0; i < states; i++) tz_codec_state_destroy(&pool->workers[i].state);
    free(pool->workers);
    pool->workers = NULL;
}

int32_t tz_pool_start(tz_pool *pool, int32_t worker_count, const tz_codec_config *cfg) {
    pool->head = pool->tail = NULL;
    pool->shutting_down = 0;
    pool->worker_count = worker_count;
    pool->running = pool->idle = 0;
    pool->workers = calloc((size_t)worker_count, sizeof *pool->workers);
    if (pool->workers == NULL) return TZ_E_NO_MEMORY;
    for (int32_t i = 0; i < worker_count; i++) {
        pool->workers[i].pool = pool;
        if (tz_codec_state_init(&pool->workers[i].state, cfg) != TZ_OK) {
            destroy_states(pool, i);
            return TZ_E_NO_MEMORY;
        }
    }
    if (tz_codec_state_init(&pool->caller_state, cfg) != TZ_OK) {
        destroy_states(pool, worker_count);
        return TZ_E_NO_MEMORY;
    }
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->work_ready, &monotonic);
    pthread_condattr_destroy(&monotonic);
    pthread_cond_init(&pool->task_done, NULL);
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_mutex_init(&pool->caller_mutex, NULL);
    return TZ_OK;
}

static void enqueue(tz_pool *pool, tz_task *task) {
    task->next = NULL;
    task->next_chunk = 0;
    task->done_chunks = 0;
    task->done = 0;
    if (pool->tail != NULL) pool->tail->next = task;
    else pool->head = task;
    pool->tail = task;
}

static int32_t at_most(int32_t a, int32_t b) { return a < b ? a : b; }

void tz_pool_submit(tz_pool *pool, tz_task *task) {
    if (task->chunk_count == 0) {
        task->finish(task);
        return;
    }
    pthread_mutex_lock(&pool->mutex);
    enqueue(pool, task);
    wake_workers(pool, at_most(task->chunk_count, pool->worker_count));
    int stranded = pool->running == 0;
    if (stranded) unlink_task(pool, task); /* nobody can have claimed a chunk yet */
    pthread_mutex_unlock(&pool->mutex);
    if (stranded) run_alone(pool, task);
}

void tz_pool_run(tz_pool *pool, tz_task *task) {
    task->finish = NULL;
    if (task->chunk_count == 0) {
        task->done = 1;
        return;
    }
    int helping = pthread_mutex_trylock(&pool->caller_mutex) == 0;
    pthread_mutex_lock(&pool->mutex);
    enqueue(pool, task);
    wake_workers(pool, at_most(task->chunk_count, pool->worker_count) - helping);
    if (!helping && pool->running == 0) {
        unlink_task(pool, task);
        pthread_mutex_unlock(&pool->mutex);
        run_alone(pool, task);
        return;
    }
    if (helping) {
        help_with(pool, task);
        pthread_mutex_unlock(&pool->caller_mutex);
    }
    while (!task->done) pthread_cond_wait(&pool->task_done, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
}

void tz_pool_stop(tz_pool *pool) {
    pthread_mutex_lock(&pool->mutex);
    pool->shutting_down = 1;
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->mutex);
    /* No thread starts any more: the pool's users are gone, and its queue is empty. */
    for (int32_t i = 0; i < pool->worker_count; i++) {
        pthread_mutex_lock(&pool->mutex);
        int started = pool->workers[i].status != WORKER_NONE;
        pthread_mutex_unlock(&pool->mutex);
        if (started) pthread_join(pool->workers[i].thread, NULL);
    }
    tz_codec_state_destroy(&pool->caller_state);
    destroy_states(pool, pool->worker_count);
    pthread_cond_destroy(&pool->task_done);
    pthread_cond_destroy(&pool->work_ready);
    pthread_mutex_destroy(&pool->caller_mutex);
    pthread_mutex_destroy(&pool->mutex);
}
