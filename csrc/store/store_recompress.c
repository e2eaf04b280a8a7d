/* Recompression with secondary algorithms, by the rules of Linux zram (drivers/block/zram/zram_drv.c:
 * scan_slots_for_recompress, recompress_slot, recompress_store):
 *  - candidates: stored pages that are not same-filled, not marked incompressible, of a lower priority
 *    than the highest one tried, not written back, and (by type) idle and/or huge; taken largest first
 *    (store_pp_order.c);
 *  - a page smaller than the threshold is left alone and not counted against max_pages;
 *  - otherwise it is decoded, loses its IDLE flag, and each algorithm from the requested priority up
 *    (never one at or below the page's own) compresses it, until one lands in a smaller zsmalloc class
 *    (class of the raw length, as zs_lookup_class_index) and, with a threshold, below it;
 *  - every attempt counts against max_pages; when none made progress and the last priority tried was the
 *    highest active one, the page is marked incompressible and skipped from then on;
 *  - a success replaces the object (the old one is freed like an overwrite: flags, huge count and access
 *    time go) and records the priority; mem_used_max is not sampled (zram does not here).
 * The work runs on the calling thread with the compressors' own caller states, the store locked. */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "store.h"
#include "tz_compressor.h"

/* zs_lookup_class_index(): the merged class of a raw length (zs_malloc adds the handle, this does not). */
static uint32_t lookup_class(uint32_t len) {
    uint32_t index = len <= TZ_ZS_MIN_SIZE ? 0 : (len - TZ_ZS_MIN_SIZE + TZ_ZS_CLASS_STEP - 1) / TZ_ZS_CLASS_STEP;
    if (index > TZ_ZS_CLASS_COUNT - 1) index = TZ_ZS_CLASS_COUNT - 1;
    return tz_zs_classes()[index].distinct;
}

static uint8_t priority_of(const tz_store_entry *e) {
    return (uint8_t)((e->flags >> TZ_STORE_PRIORITY_SHIFT) & TZ_STORE_PRIORITY_MASK);
}

typedef struct recompress_args {
    tz_compressor *comps[TZ_STORE_PRIORITIES]; /* NULL where no algorithm has that priority */
    tz_compressor *primary;                     /* decodes the old page */
    uint32_t prio, prio_max, num_active, mode, threshold;
    double budget; /* max_pages left; < 0 = unlimited */
    double *out;
} recompress_args;

static int candidate(const tz_store_entry *e, const recompress_args *a) {
    if (e->kind == TZ_STORE_EMPTY || e->kind == TZ_KIND_SAME || e->kind == TZ_STORE_WB) return 0;
    if ((a->mode & TZ_RECOMPRESS_IDLE) && !(e->flags & TZ_STORE_FLAG_IDLE)) return 0;
    if ((a->mode & TZ_RECOMPRESS_HUGE) && e->kind != TZ_KIND_RAW) return 0;
    if (e->flags & TZ_STORE_FLAG_INCOMPRESSIBLE) return 0;
    return priority_of(e) + 1u < a->prio_max;
}

/* Compresses page with the compressor of priority prio; the stored size (4096 = no gain) in out. */
static int32_t compress_with(tz_compressor *c, const uint8_t *page, uint8_t *out, uint8_t *kind) {
    uint64_t pattern;
    pthread_mutex_lock(&c->caller_mutex);
    int32_t size = tz_page_compress(&c->config, &c->caller_state, c->ops, page, TZ_PAGE_SIZE, 8.0, out, kind, &pattern);
    pthread_mutex_unlock(&c->caller_mutex);
    return size;
}

/* recompress_slot(): TZ_OK, or a negative code that ends the whole pass. */
static int32_t recompress_page(tz_store *store, uint32_t index, recompress_args *a, uint8_t *page, uint8_t *buf) {
    tz_store_entry *e = &store->table[index];
    uint32_t old_len = e->size;
    if (old_len < a->threshold) return TZ_OK;
    pthread_mutex_lock(&a->primary->caller_mutex);
    int32_t status = tz_page_decompress(&a->primary->caller_state, e->kind, tz_zs_object(&store->pool, e->value, NULL),
                                        (int32_t)old_len, NULL, page);
    pthread_mutex_unlock(&a->primary->caller_mutex);
    if (status != TZ_OK) return status;
    e->flags &= (uint8_t)~TZ_STORE_FLAG_IDLE;
    uint32_t old_class = lookup_class(old_len);
    uint32_t prio = a->prio > priority_of(e) + 1u ? a->prio : priority_of(e) + 1u;
    if (prio >= a->prio_max) return TZ_OK;
    a->out[TZ_RECOMPRESS_OUT_ATTEMPTED]++;
    int32_t new_len = 0;
    uint8_t kind = 0;
    int progress = 0;
    for (; prio < a->prio_max; prio++) {
        if (a->comps[prio] == NULL) continue;
        new_len = compress_with(a->comps[prio], page, buf, &kind);
        if (lookup_class((uint32_t)new_len) >= old_class || (a->threshold && (uint32_t)new_len >= a->threshold)) continue;
        progress = 1;
        break;
    }
    if (a->budget > 0) a->budget--;
    if (!progress) {
        if (prio >= a->num_active) {
            e->flags |= TZ_STORE_FLAG_INCOMPRESSIBLE;
            a->out[TZ_RECOMPRESS_OUT_INCOMPRESSIBLE]++;
        }
        return TZ_OK;
    }
    uint64_t handle = tz_zs_alloc(&store->pool, (uint32_t)new_len);
    if (handle == 0) return TZ_E_NO_MEMORY; /* the old object is still there */
    memcpy(tz_zs_object(&store->pool, handle, NULL), buf, (size_t)new_len);
    tz_store_free_page(store, index);
    e->kind = kind;
    e->value = handle;
    e->size = (uint16_t)new_len;
    e->flags = (uint8_t)(prio << TZ_STORE_PRIORITY_SHIFT);
    store->compr_data_size += (uint64_t)new_len;
    store->pages_stored++;
    a->out[TZ_RECOMPRESS_OUT_RECOMPRESSED]++;
    return TZ_OK;
}

/* The candidates in zram's post-processing order; *count of them. NULL when out of memory. */
static uint32_t *ordered_candidates(const tz_store *store, const recompress_args *a, uint32_t *count) {
    *count = 0;
    for (uint32_t i = 0; i < store->page_count; i++) *count += (uint32_t)candidate(&store->table[i], a);
    uint32_t *order = malloc((*count > 0 ? *count : 1) * sizeof *order);
    if (order == NULL) return NULL;
    for (uint32_t i = 0, k = 0; i < store->page_count; i++)
        if (candidate(&store->table[i], a)) order[k++] = i;
    if (tz_store_order_largest_first(store, order, *count) != TZ_OK) {
        free(order);
        return NULL;
    }
    return order;
}

static int32_t run(tz_store *store, recompress_args *a) {
    uint32_t count;
    uint32_t *order = ordered_candidates(store, a, &count);
    uint8_t *page = malloc(2 * TZ_PAGE_SIZE + TZ_CODEC_BOUND);
    int32_t status = order == NULL || page == NULL ? TZ_E_NO_MEMORY : TZ_OK;
    a->out[TZ_RECOMPRESS_OUT_CANDIDATES] = count;
    for (uint32_t k = 0; status == TZ_OK && k < count && a->budget != 0; k++)
        status = recompress_page(store, order[k], a, page, page + TZ_PAGE_SIZE);
    free(order);
    free(page);
    return status;
}

TZ_API int32_t tz_store_recompress(int32_t handle, int32_t primary, const int32_t *compressors, int32_t prio,
                                   int32_t prio_max, int32_t num_active, int32_t mode, int32_t threshold,
                                   double max_pages, double *out) {
    if (compressors == NULL || out == NULL || prio < 1 || prio >= prio_max || prio_max > TZ_STORE_PRIORITIES ||
        num_active < prio_max || num_active > TZ_STORE_PRIORITIES || mode < 0 ||
        mode > (TZ_RECOMPRESS_IDLE | TZ_RECOMPRESS_HUGE) || threshold < 0 || threshold >= TZ_STORE_HUGE_LEN ||
        !(max_pages >= -1))
        return TZ_E_INVALID;
    recompress_args a = {.prio = (uint32_t)prio, .prio_max = (uint32_t)prio_max, .num_active = (uint32_t)num_active,
                         .mode = (uint32_t)mode, .threshold = (uint32_t)threshold, .budget = max_pages, .out = out};
    int32_t status = TZ_OK;
    int32_t held[TZ_STORE_PRIORITIES + 1];
    int held_count = 0;
    a.primary = tz_compressor_acquire(primary);
    if (a.primary != NULL) held[held_count++] = primary;
    else status = TZ_E_CLOSED;
    for (int32_t p = 1; status == TZ_OK && p < TZ_STORE_PRIORITIES; p++) {
        if (compressors[p] == 0) continue;
        a.comps[p] = tz_compressor_acquire(compressors[p]);
        if (a.comps[p] == NULL) status = TZ_E_CLOSED;
        else held[held_count++] = compressors[p];
    }
    memset(out, 0, TZ_RECOMPRESS_OUT_SLOTS * sizeof *out);
    tz_store *store = status == TZ_OK ? tz_store_enter(handle) : NULL;
    if (status == TZ_OK && store == NULL) status = TZ_E_CLOSED;
    if (store != NULL) {
        status = run(store, &a);
        tz_store_leave(handle, store);
    }
    for (int i = 0; i < held_count; i++) tz_compressor_release(held[i]);
    return status;
}
