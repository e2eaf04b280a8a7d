/* The object behind a compressor handle. */
#ifndef TZ_COMPRESSOR_H
#define TZ_COMPRESSOR_H

#include <pthread.h>
#include <stdint.h>

#include "tz_codec.h"
#include "tz_pool.h"
#include "tz_scan.h"

typedef struct tz_compressor {
    tz_codec_config config;
    const tz_scan_ops *ops;
    tz_pool pool;
    /* The state of calls that run on the caller's thread (single pages, one-chunk batches); the mutex
     * makes them safe beside each other and beside asynchronous jobs running on the pool. */
    pthread_mutex_t caller_mutex;
    tz_codec_state caller_state;
} tz_compressor;

/* The live compressor behind handle, held until tz_compressor_release; NULL when unknown or closed. */
tz_compressor *tz_compressor_acquire(int32_t handle);
void tz_compressor_release(int32_t handle);

#endif
