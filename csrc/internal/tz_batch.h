/* Batch compress/decompress as pool tasks, shared by the synchronous and asynchronous entry points. */
#ifndef TZ_BATCH_H
#define TZ_BATCH_H

#include <stdint.h>

#include "tz_compressor.h"
#include "tz_pool.h"

typedef struct tz_batch_task {
    tz_task task;
    const tz_compressor *compressor;
    int32_t n;
    int32_t chunk_pages;
    int64_t result; /* sum of stored sizes, or number of failed pages; added to atomically */
    /* compress */
    const uint8_t *pages;
    int32_t raw_threshold;
    double entropy_limit;
    uint8_t *arena;
    int32_t *offsets;
    int32_t *sizes;
    uint8_t *kinds;
    uint8_t *patterns;
    /* decompress */
    const uint8_t *src_arena;
    const int32_t *src_offsets;
    const int32_t *src_sizes;
    const uint8_t *src_kinds;
    const uint8_t *src_patterns;
    uint8_t *out;
    int32_t *status;
} tz_batch_task;

/* Validate the arguments (TZ_OK or a negative code, nothing written) and set the task up. */
int32_t tz_batch_prepare_compress(tz_batch_task *bt, const tz_compressor *c, const uint8_t *pages,
                                  int32_t n, int32_t raw_threshold, double entropy_limit, uint8_t *arena,
                                  int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                  uint8_t *patterns);
int32_t tz_batch_prepare_decompress(tz_batch_task *bt, const tz_compressor *c, const uint8_t *arena,
                                    int32_t arena_len, const int32_t *offsets, const int32_t *sizes,
                                    const uint8_t *kinds, const uint8_t *patterns, int32_t n, uint8_t *out,
                                    int32_t out_cap, int32_t *status);
/* Runs a prepared task to the end on the pool and the calling thread; returns its result. */
int32_t tz_batch_run(tz_compressor *c, tz_batch_task *bt);

#endif
