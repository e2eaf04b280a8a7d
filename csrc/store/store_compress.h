/* Compressing a write request on a compressor's worker threads, with zram's routing: same-filled
 * pages first, entropy routing only where the check is cheaper than a trial, RAW from the huge length. */
#ifndef TZ_STORE_COMPRESS_H
#define TZ_STORE_COMPRESS_H

#include <stdint.h>

#include "tz_compressor.h"
#include "tz_pool.h"

typedef struct tz_store_compress_task {
    tz_task task;
    tz_codec_config config; /* the compressor's algorithm at this request's level */
    int32_t base_level;     /* the compressor's own level (restored on the zstd contexts) */
    const tz_scan_ops *ops;
    int route_by_entropy;
    double entropy_limit;
    int32_t n;
    int32_t chunk_pages;
    const uint8_t *pages;
    uint8_t *arena;
    int32_t *offsets;
    int32_t *sizes;
    uint8_t *kinds;
    uint8_t *patterns;
    uint8_t *reasons;
} tz_store_compress_task;

/* Checks the arguments (nothing written on failure) and sets the task up. */
int32_t tz_store_compress_prepare(tz_store_compress_task *t, const tz_compressor *c, const uint8_t *pages,
                                  int32_t n, int32_t level, double entropy_limit, uint8_t *arena,
                                  int32_t arena_cap, int32_t *offsets, int32_t *sizes, uint8_t *kinds,
                                  uint8_t *patterns, uint8_t *reasons);

#endif
