/* A compressor's worker threads, each with its own codec state, running tasks split into chunks that
 * workers claim one at a time (dynamic scheduling: a fast worker simply claims more chunks). */
#ifndef TZ_POOL_H
#define TZ_POOL_H

#include <pthread.h>
#include <stdint.h>

#include "tz_codec.h"

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
    int32_t worker_count;
    tz_pool_worker *workers;
} tz_pool;

/* Starts worker_count threads with codec states for cfg. TZ_OK or TZ_E_NO_MEMORY (nothing left over). */
int32_t tz_pool_start(tz_pool *pool, int32_t worker_count, const tz_codec_config *cfg);
/* Queues a task; its chunks start at once on idle workers. */
void tz_pool_submit(tz_pool *pool, tz_task *task);
/* Queues a synchronous task and blocks until every chunk ran. */
void tz_pool_run(tz_pool *pool, tz_task *task);
/* Joins the workers (the queue must be empty) and frees their states. */
void tz_pool_stop(tz_pool *pool);

#endif
