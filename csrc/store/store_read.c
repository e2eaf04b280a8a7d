/* Reading through the pool: the requested pages decoded straight from their zspages on the compressor's
 * worker threads, the store locked meanwhile so that nothing moves under them. */
#include <string.h>

#include "trueno_zram.h"
#include "store.h"
#include "tz_compressor.h"

#define READ_CHUNK_PAGES 32

typedef struct read_task {
    tz_task task;
    tz_store *store;
    uint32_t now; /* each page read is accessed at this second */
    uint32_t first_page;
    int32_t n;
    uint8_t *out;
    int32_t failed; /* added to atomically */
} read_task;

static void read_chunk(tz_task *task, int32_t chunk, tz_codec_state *state) {
    read_task *t = (read_task *)task;
    int32_t first = chunk * READ_CHUNK_PAGES;
    int32_t end = first + READ_CHUNK_PAGES < t->n ? first + READ_CHUNK_PAGES : t->n;
    int32_t failed = 0;
    for (int32_t i = first; i < end; i++) {
        tz_store_entry *e = &t->store->table[t->first_page + (uint32_t)i];
        uint8_t *page = t->out + (size_t)i * TZ_PAGE_SIZE;
        int32_t status;
        if (e->kind == TZ_STORE_EMPTY) {
            memset(page, 0, TZ_PAGE_SIZE);
            status = TZ_OK;
        } else if (e->kind == TZ_STORE_WB) {
            status = tz_store_read_block(t->store, e->value, page);
        } else if (e->kind == TZ_KIND_SAME) {
            uint8_t pattern[8];
            memcpy(pattern, &e->value, 8);
            status = tz_page_decompress(state, TZ_KIND_SAME, NULL, 0, pattern, page);
        } else {
            const uint8_t *object = tz_zs_object(&t->store->pool, e->value, NULL);
            status = tz_page_decompress(state, e->kind, object, e->size, NULL, page);
        }
        if (status != TZ_OK) {
            memset(page, 0, TZ_PAGE_SIZE);
            failed++;
        } else {
            tz_store_accessed(e, t->now); /* each chunk owns its pages: no two threads touch one entry */
        }
    }
    if (failed > 0) __atomic_fetch_add(&t->failed, failed, __ATOMIC_RELAXED);
}

TZ_API int32_t tz_store_read(int32_t handle, int32_t compressor, int32_t first_page, int32_t n, uint8_t *out,
                             int32_t out_cap) {
    if (n < 0 || n > TZ_MAX_BATCH_PAGES || (out == NULL && n > 0)) return TZ_E_INVALID;
    if ((int64_t)out_cap < (int64_t)n * TZ_PAGE_SIZE) return TZ_E_BUFFER_TOO_SMALL;
    tz_compressor *c = tz_compressor_acquire(compressor);
    if (c == NULL) return TZ_E_CLOSED;
    tz_store *store = tz_store_enter(handle);
    int32_t status = store == NULL ? TZ_E_CLOSED : tz_store_check_range(store, first_page, n);
    if (status == TZ_OK && n > 0) {
        read_task t = {.store = store, .now = tz_store_now(store), .first_page = (uint32_t)first_page, .n = n, .out = out};
        t.task.chunk_count = (n + READ_CHUNK_PAGES - 1) / READ_CHUNK_PAGES;
        t.task.run_chunk = read_chunk;
        tz_pool_run(&c->pool, &t.task);
        status = t.failed;
    }
    if (store != NULL) tz_store_leave(handle, store);
    tz_compressor_release(compressor);
    return status;
}
