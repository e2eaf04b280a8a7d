/* The store's table and zram's write order (zsmalloc.md): a same-filled page frees the old slot first;
 * any other page is allocated, the high-water mark sampled, the limit checked, and only then does it
 * replace the old slot. */
#include <string.h>

#include "trueno_zram.h"
#include "store.h"

void tz_store_free_page(tz_store *store, uint32_t page) {
    tz_store_entry *e = &store->table[page];
    if (e->kind == TZ_STORE_EMPTY) return;
    if (e->kind == TZ_STORE_WB) {
        tz_store_release_block(store, e->value);
    } else if (e->kind == TZ_KIND_SAME) {
        store->same_pages--;
        if (e->value == 0) store->zero_pages--;
    } else {
        tz_zs_release(&store->pool, e->value);
        store->compr_data_size -= e->size;
        if (e->kind == TZ_KIND_RAW) store->huge_pages--;
    }
    store->pages_stored--;
    memset(e, 0, sizeof *e);
}

static void store_same(tz_store *store, uint32_t page, uint64_t pattern) {
    tz_store_free_page(store, page);
    tz_store_entry *e = &store->table[page];
    e->kind = TZ_KIND_SAME;
    e->value = pattern;
    store->same_pages++;
    if (pattern == 0) store->zero_pages++;
    store->pages_stored++;
}

/* 0 when stored, else why not: 1 the memory limit, 2 no memory for the pool. */
static int32_t store_object(tz_store *store, uint32_t page, uint8_t kind, const uint8_t *bytes, uint32_t size) {
    uint64_t handle = tz_zs_alloc(&store->pool, size);
    if (handle == 0) return 2;
    if (store->pool.pages_allocated > store->max_used_pages) store->max_used_pages = store->pool.pages_allocated;
    if (store->limit_pages != 0 && store->pool.pages_allocated > store->limit_pages) {
        tz_zs_release(&store->pool, handle);
        return 1;
    }
    tz_store_free_page(store, page);
    memcpy(tz_zs_object(&store->pool, handle, NULL), bytes, size);
    tz_store_entry *e = &store->table[page];
    e->kind = kind;
    e->value = handle;
    e->size = (uint16_t)size;
    store->compr_data_size += size;
    if (kind == TZ_KIND_RAW) store->huge_pages++;
    store->pages_stored++;
    return 0;
}

void tz_store_commit_batch(tz_store *store, uint32_t first_page, int32_t n, const tz_store_batch *batch,
                     const uint8_t *skip, int32_t *out) {
    memset(out, 0, TZ_STORE_OUT_SLOTS * sizeof *out);
    uint32_t now = tz_store_now(store);
    int32_t i = 0;
    for (; i < n; i++) {
        if (skip != NULL && skip[i]) continue;
        uint32_t page = first_page + (uint32_t)i;
        uint8_t kind = batch->kinds[i];
        if (kind == TZ_KIND_SAME) {
            uint64_t pattern;
            memcpy(&pattern, batch->patterns + (size_t)i * 8, sizeof pattern);
            store_same(store, page, pattern);
            out[TZ_STORE_OUT_SAME]++;
        } else {
            const uint8_t *bytes = batch->arena + (batch->offsets != NULL ? (size_t)batch->offsets[i]
                                                                           : (size_t)i * TZ_PAGE_SIZE);
            int32_t refused = store_object(store, page, kind, bytes, (uint32_t)batch->sizes[i]);
            if (refused != 0) {
                out[TZ_STORE_OUT_REFUSED] = refused;
                break;
            }
            out[TZ_STORE_OUT_BYTES] += batch->sizes[i];
            if (kind == TZ_KIND_RAW) out[TZ_STORE_OUT_HUGE]++;
            if (batch->reasons != NULL && batch->reasons[i] == TZ_STORE_RAW_ENTROPY) out[TZ_STORE_OUT_ENTROPY]++;
        }
        tz_store_accessed(&store->table[page], now);
        out[TZ_STORE_OUT_STORED]++;
    }
    out[TZ_STORE_OUT_DONE] = i;
}
