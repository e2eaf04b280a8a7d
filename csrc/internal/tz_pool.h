/* A compressor's worker threads, each with its own codec state, running tasks split into chunks that
 * workers claim one at a time (dynamic scheduling: a fast worker simply claims more chunks).
 *
 * Threads are created on demand and leave after TZ_POOL_IDLE_EXIT_MS without work, so a pool that is
 * idle (or a compressor dropped without being freed) holds codec states but no threads. The thread that
 * calls tz_pool_run runs chunks of its own task instead of idling, so a synchronous task wakes at most
 * worker_count - 1 workers. */
#ifndef TZ_POOL_H
#define TZ_POOL_H

#include <pthread.h>
#include <stdint.h>

#include "tz_codec.h"

/* How long a worker waits for work before its thread ends (its codec state stays for the next one). */
#define TZ_POOL_IDLE_EXIT_MS 1000
/* The name worker threads carry (top -H, /proc/PID/task/TID/comm). */
#define TZ_POOL_THREAD_NAME "tz-pool-worker"

typedef struct tz_task tz_task;
struct tz_task {
    tz_task *next;
    int32_t chunk_count;
    int32_t next_chunk;  /* guarded by the pool mutex */
    int32_t done_chunks; /* guarded by the pool mutex */
    int done;            /* synchronous tasks: set under the pool mutex when every chunk ran */
    void (*run_chunk)(tz_task *task, int32_t chunk, tz_codec_state *state);
    /* Asynchronous tasks: called once, without the pool lock, after the last chunk. The pool never
     * touches the task afterwards, so finish may hand it to a thread that frees it. NULL = synchronous. */
    void (*finish)(tz_task *task);
};

typedef struct tz_pool_worker tz_pool_worker;

typedef struct tz_pool {
    pthread_mutex_t mutex;
    pthread_cond_t work_ready;
    pthread_cond_t task_done;
    tz_task *head;
    tz_task *tail;
    int shutting_down;
    int32_t worker_count; /* the most threads that run the pool's tasks, the caller included */
    int32_t running;      /* worker threads alive now (guarded by the mutex) */
    int32_t idle;         /* of those, waiting for work */
    tz_pool_worker *workers;
    /* The state a tz_pool_run caller runs its own task's chunks with; a caller that cannot take
     * caller_mutex at once (another caller is working) waits for the workers instead. */
    pthread_mutex_t caller_mutex;
    tz_codec_state caller_state;
} tz_pool;

/* Prepares the codec states for cfg (threads start when work comes). TZ_OK or TZ_E_NO_MEMORY (nothing
 * left over). */
int32_t tz_pool_start(tz_pool *pool, int32_t worker_count, const tz_codec_config *cfg);
/* Queues a task; its chunks start at once on idle or new workers. Only when no worker thread can be
 * created does the submitting thread run the task itself before returning. */
void tz_pool_submit(tz_pool *pool, tz_task *task);
/* Queues a synchronous task, runs chunks on the calling thread too, and returns when every chunk ran. */
void tz_pool_run(tz_pool *pool, tz_task *task);
/* Joins the workers (the queue must be empty) and frees their states. */
void tz_pool_stop(tz_pool *pool);

#endif
