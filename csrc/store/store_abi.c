/* Store handles: creation, limits, statistics, compaction, discard and the page-state map. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "trueno_zram.h"
#include "tz_handles.h"
#include "store.h"

static tz_handle_table stores = TZ_HANDLE_TABLE_INIT;

tz_store *tz_store_enter(int32_t handle) {
    tz_store *store = tz_handle_acquire(&stores, handle);
    if (store != NULL) pthread_mutex_lock(&store->mutex);
    return store;
}

void tz_store_leave(int32_t handle, tz_store *store) {
    pthread_mutex_unlock(&store->mutex);
    tz_handle_release(&stores, handle);
}

static int32_t leave_with(int32_t handle, tz_store *store, int32_t result) {
    tz_store_leave(handle, store);
    return result;
}

static void destroy(tz_store *store) {
    tz_store_drop_backing(store);
    tz_zs_pool_destroy(&store->pool);
    munmap(store->table, store->table_bytes);
    pthread_mutex_destroy(&store->mutex);
    free(store);
}

TZ_API int32_t tz_store_new(int32_t page_count) {
    if (page_count < 1) return TZ_E_INVALID;
    tz_store *store = calloc(1, sizeof *store);
    if (store == NULL) return TZ_E_NO_MEMORY;
    store->page_count = (uint32_t)page_count;
    store->table_bytes = (size_t)page_count * sizeof(tz_store_entry);
    void *table = mmap(NULL, store->table_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (table == MAP_FAILED) {
        free(store);
        return TZ_E_NO_MEMORY;
    }
    store->table = table;
    pthread_mutex_init(&store->mutex, NULL);
    tz_zs_pool_init(&store->pool);
    int32_t handle = tz_handle_insert(&stores, store);
    if (handle < 0) destroy(store);
    return handle;
}

TZ_API int32_t tz_store_free(int32_t handle) {
    tz_store *store = tz_handle_remove(&stores, handle);
    if (store == NULL) return TZ_E_CLOSED;
    destroy(store);
    return TZ_OK;
}

TZ_API int32_t tz_store_set_limit(int32_t handle, double limit_pages) {
    if (!(limit_pages >= 0 && limit_pages < 9007199254740992.0) || floor(limit_pages) != limit_pages)
        return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    store->limit_pages = (uint64_t)limit_pages;
    return leave_with(handle, store, TZ_OK);
}

TZ_API int32_t tz_store_reset_max(int32_t handle) {
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    store->max_used_pages = store->pool.pages_allocated;
    return leave_with(handle, store, TZ_OK);
}

TZ_API int32_t tz_store_stats(int32_t handle, double *out) {
    if (out == NULL) return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    out[0] = (double)store->pool.pages_allocated;
    out[1] = (double)store->max_used_pages;
    out[2] = (double)store->pool.pages_compacted;
    out[3] = (double)store->compr_data_size;
    out[4] = (double)store->pages_stored;
    out[5] = (double)store->same_pages;
    out[6] = (double)store->zero_pages;
    out[7] = (double)store->huge_pages;
    return leave_with(handle, store, TZ_OK);
}

TZ_API int32_t tz_store_compact(int32_t handle) {
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    uint64_t freed = tz_zs_compact_classes(&store->pool);
    return leave_with(handle, store, freed > INT32_MAX ? INT32_MAX : (int32_t)freed);
}


int32_t tz_store_check_range(const tz_store *store, int32_t first, int32_t n) {
    if (first < 0 || n < 0 || (int64_t)first + n > (int64_t)store->page_count) return TZ_E_INVALID;
    return TZ_OK;
}

TZ_API int32_t tz_store_discard(int32_t handle, int32_t first, int32_t n) {
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    if (tz_store_check_range(store, first, n) != TZ_OK) return leave_with(handle, store, TZ_E_INVALID);
    for (int32_t i = 0; i < n; i++) tz_store_free_page(store, (uint32_t)(first + i));
    return leave_with(handle, store, TZ_OK);
}

TZ_API int32_t tz_store_page_states(int32_t handle, int32_t first, int32_t n, uint8_t *out) {
    if (out == NULL && n > 0) return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    if (tz_store_check_range(store, first, n) != TZ_OK) return leave_with(handle, store, TZ_E_INVALID);
    for (int32_t i = 0; i < n; i++) {
        const tz_store_entry *e = &store->table[first + i];
        out[i] = e->kind == TZ_STORE_EMPTY                     ? TZ_PAGE_HOLE
                 : e->kind == TZ_KIND_SAME && e->value == 0 ? TZ_PAGE_ZERO
                                                               : TZ_PAGE_DATA;
    }
    return leave_with(handle, store, TZ_OK);
}

TZ_API int32_t tz_store_gather(int32_t handle, int32_t first, int32_t n, uint8_t *arena, int32_t arena_cap,
                               int32_t *offsets, int32_t *sizes, uint8_t *kinds, uint8_t *patterns) {
    if (n > 0 && (arena == NULL || offsets == NULL || sizes == NULL || kinds == NULL || patterns == NULL))
        return TZ_E_INVALID;
    if (n > TZ_MAX_BATCH_PAGES || (int64_t)arena_cap < (int64_t)n * TZ_PAGE_SIZE) return TZ_E_BUFFER_TOO_SMALL;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    if (tz_store_check_range(store, first, n) != TZ_OK) return leave_with(handle, store, TZ_E_INVALID);
    int32_t cursor = 0;
    uint32_t now = tz_store_now(store);
    for (int32_t i = 0; i < n; i++) {
        tz_store_entry *e = &store->table[first + i];
        tz_store_accessed(e, now); /* the read of readAsync: its pages are decoded from this copy */
        uint64_t pattern = e->kind == TZ_KIND_SAME ? e->value : 0;
        memcpy(patterns + (size_t)i * 8, &pattern, 8);
        kinds[i] = e->kind == TZ_STORE_EMPTY ? TZ_KIND_SAME : e->kind;
        offsets[i] = cursor;
        sizes[i] = e->size;
        if (e->kind == TZ_STORE_WB) {
            /* A written-back page travels as a RAW copy read from the backing file. */
            kinds[i] = TZ_KIND_RAW;
            sizes[i] = TZ_PAGE_SIZE;
            if (tz_store_read_block(store, e->value, arena + cursor) != TZ_OK) return leave_with(handle, store, TZ_E_CORRUPTED);
        } else if (e->size > 0) {
            memcpy(arena + cursor, tz_zs_object(&store->pool, e->value, NULL), e->size);
        }
        cursor += sizes[i];
    }
    return leave_with(handle, store, cursor);
}
