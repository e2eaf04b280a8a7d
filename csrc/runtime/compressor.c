/* Compressor handles: creation, destruction, queries, and the single-page calls (which run on the
 * caller's thread with the caller-side codec state). */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "tz_compressor.h"
#include "tz_handles.h"


static tz_handle_table compressors = TZ_HANDLE_TABLE_INIT;

tz_compressor *tz_compressor_acquire(int32_t handle) { return tz_handle_acquire(&compressors, handle); }

void tz_compressor_release(int32_t handle) { tz_handle_release(&compressors, handle); }

static void destroy(tz_compressor *c) {
    tz_pool_stop(&c->pool);
    tz_codec_state_destroy(&c->caller_state);
    pthread_mutex_destroy(&c->caller_mutex);
    tz_zstd_dict_free(c->config.dict);
    free(c);
}

/* The checks of threads and backend every constructor makes before allocating anything. */
static int32_t check_threads_backend(int32_t threads, int32_t backend, const tz_scan_ops **ops) {
    if (threads < 0 || threads > TZ_MAX_THREADS) return TZ_E_INVALID;
    int32_t status = TZ_OK;
    *ops = tz_scan_resolve(backend, &status);
    return status;
}

/* A compressor for checked arguments. It owns config's dictionary from here on, also on failure. */
static int32_t open_compressor(const tz_codec_config *config, int32_t threads, const tz_scan_ops *ops) {
    if (threads == 0) threads = tz_default_threads() < TZ_MAX_THREADS ? tz_default_threads() : TZ_MAX_THREADS;
    tz_compressor *c = calloc(1, sizeof *c);
    if (c == NULL || tz_codec_state_init(&c->caller_state, config) != TZ_OK) {
        tz_zstd_dict_free(config->dict);
        free(c);
        return TZ_E_NO_MEMORY;
    }
    c->config = *config;
    c->ops = ops;
    pthread_mutex_init(&c->caller_mutex, NULL);
    if (tz_pool_start(&c->pool, threads, config) != TZ_OK) {
        tz_codec_state_destroy(&c->caller_state);
        pthread_mutex_destroy(&c->caller_mutex);
        tz_zstd_dict_free(config->dict);
        free(c);
        return TZ_E_NO_MEMORY;
    }
    int32_t handle = tz_handle_insert(&compressors, c);
    if (handle < 0) destroy(c);
    return handle;
}

TZ_API int32_t tz_compressor_new(int32_t algorithm, int32_t level, int32_t threads, int32_t backend) {
    tz_codec_config config;
    const tz_scan_ops *ops = NULL;
    int32_t status = tz_codec_config_make(algorithm, level, &config);
    if (status == TZ_OK) status = check_threads_backend(threads, backend, &ops);
    return status != TZ_OK ? status : open_compressor(&config, threads, ops);
}

TZ_API int32_t tz_compressor_new_dict(int32_t algorithm, int32_t level, int32_t threads, int32_t backend,
                                      const uint8_t *dict, int32_t dict_len) {
    tz_codec_config config;
    const tz_scan_ops *ops = NULL;
    int32_t status = tz_codec_config_make(algorithm, level, &config);
    if (status == TZ_OK && algorithm != TZ_ALGO_ZSTD) status = TZ_E_INVALID;
    if (status == TZ_OK) status = check_threads_backend(threads, backend, &ops);
    if (status == TZ_OK) status = tz_zstd_dict_new(dict, dict_len, config.level, &config.dict);
    return status != TZ_OK ? status : open_compressor(&config, threads, ops);
}

TZ_API int32_t tz_compressor_free(int32_t handle) {
    /* Waits for every user of the handle, including queued and running jobs, which each hold it. */
    tz_compressor *c = tz_handle_remove(&compressors, handle);
    if (c == NULL) return TZ_E_CLOSED;
    destroy(c);
    return TZ_OK;
}

TZ_API int32_t tz_compressor_backend(int32_t handle) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    int32_t backend = c->ops->backend;
    tz_compressor_release(handle);
    return backend;
}

TZ_API int32_t tz_compressor_threads(int32_t handle) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    int32_t threads = c->pool.worker_count;
    tz_compressor_release(handle);
    return threads;
}

TZ_API int32_t tz_compress_page(int32_t handle, const uint8_t *page, int32_t raw_threshold,
                                double entropy_limit, uint8_t *out, int32_t out_cap, uint8_t *meta_out) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    int32_t status = tz_check_route_args(raw_threshold, entropy_limit);
    if (status == TZ_OK && (page == NULL || out == NULL || meta_out == NULL)) status = TZ_E_INVALID;
    if (status == TZ_OK && out_cap < TZ_PAGE_SIZE) status = TZ_E_BUFFER_TOO_SMALL;
    if (status != TZ_OK) {
        tz_compressor_release(handle);
        return status;
    }
    uint8_t kind;
    uint64_t pattern;
    pthread_mutex_lock(&c->caller_mutex);
    int32_t size = tz_page_compress(&c->config, &c->caller_state, c->ops, page, raw_threshold, entropy_limit,
                                    out, &kind, &pattern);
    pthread_mutex_unlock(&c->caller_mutex);
    tz_compressor_release(handle);
    memset(meta_out, 0, 16);
    meta_out[0] = kind;
    memcpy(meta_out + 8, &pattern, sizeof pattern);
    return size;
}

TZ_API int32_t tz_decompress_page(int32_t handle, int32_t kind, const uint8_t *src, int32_t src_len,
                                  const uint8_t *pattern, uint8_t *out) {
    tz_compressor *c = tz_compressor_acquire(handle);
    if (c == NULL) return TZ_E_CLOSED;
    int32_t status = TZ_OK;
    if (out == NULL || src_len < 0 || (src == NULL && src_len > 0)) status = TZ_E_INVALID;
    if (kind < TZ_KIND_SAME || kind > TZ_KIND_GPU_LZ4 || (kind == TZ_KIND_SAME && pattern == NULL))
        status = TZ_E_INVALID;
    if (status == TZ_OK) {
        /* Decode into scratch first so a corrupted page leaves out untouched. */
        pthread_mutex_lock(&c->caller_mutex);
        status = tz_page_decompress(&c->caller_state, kind, src, src_len, pattern, c->caller_state.scratch);
        if (status == TZ_OK) memcpy(out, c->caller_state.scratch, TZ_PAGE_SIZE);
        pthread_mutex_unlock(&c->caller_mutex);
    }
    tz_compressor_release(handle);
    return status;
}
