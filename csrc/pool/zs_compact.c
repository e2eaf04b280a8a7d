/* __zs_compact of Linux 6.18: per distinct class from the largest, move the objects of the emptiest
 * zspages into the fullest until no zspage's worth of slots is wasted. */
#include <string.h>

#include "trueno_zram.h"
#include "zs_pool.h"

/* Unlinks and returns the head of the first non-empty list from group `from` to `to` (either way). */
static tz_zs_zspage *isolate(tz_zs_class_state *cls, int32_t from, int32_t to) {
    int32_t step = from <= to ? 1 : -1;
    for (int32_t g = from; g != to + step; g += step) {
        tz_zs_zspage *z = cls->lists[g];
        if (z != NULL) {
            tz_zs_list_remove(cls, z);
            return z;
        }
    }
    return NULL;
}

/* zs_can_compact: at least one zspage's worth of slots is free. */
static int can_compact(const tz_zs_class_state *cls, const tz_zs_class_spec *spec) {
    return (cls->objects_allocated - cls->objects_used) / spec->objects >= 1;
}

/* migrate_zspage: src's objects in ascending slot order into dst, until dst is full or src empty. */
static void migrate(tz_zs_pool *pool, tz_zs_zspage *src, tz_zs_zspage *dst, uint32_t size) {
    uint32_t objects = pool->specs[src->class_index].objects;
    uint8_t used[TZ_ZS_MAX_OBJECTS];
    memset(used, 1, objects);
    for (uint32_t i = 0; i < src->free_count; i++) used[src->free_stack[i]] = 0;
    for (uint32_t s = 0; s < objects; s++) {
        if (!used[s]) continue;
        uint32_t record = src->owner[s];
        uint32_t slot = tz_zs_slot_take(dst, record);
        memcpy(dst->memory + (size_t)slot * size, src->memory + (size_t)s * size, size);
        pool->records[record].zspage = dst;
        pool->records[record].slot = slot;
        tz_zs_slot_give(src, s);
        if (dst->free_count == 0 || src->inuse == 0) break;
    }
}

/* putback_zspage: to the head of the list of its current group. */
static void put_back(tz_zs_pool *pool, tz_zs_zspage *z) {
    tz_zs_list_insert(&pool->classes[z->class_index], z,
                      (uint8_t)tz_zs_group(z->inuse, pool->specs[z->class_index].objects));
}

static uint64_t compact_class(tz_zs_pool *pool, uint32_t index) {
    tz_zs_class_state *cls = &pool->classes[index];
    const tz_zs_class_spec *spec = &pool->specs[index];
    uint64_t freed = 0;
    tz_zs_zspage *dst = NULL;
    while (can_compact(cls, spec)) {
        if (dst == NULL && (dst = isolate(cls, TZ_ZS_GROUP_FULL - 1, 1)) == NULL) break;
        tz_zs_zspage *src = isolate(cls, 1, TZ_ZS_GROUP_FULL - 1);
        if (src == NULL) break;
        migrate(pool, src, dst, spec->size);
        put_back(pool, src);
        if (src->group == TZ_ZS_GROUP_EMPTY) {
            tz_zs_list_remove(cls, src);
            tz_zs_zspage_free(pool, src);
            freed += spec->pages;
        }
        if (dst->inuse == spec->objects) {
            put_back(pool, dst);
            dst = NULL;
        }
    }
    if (dst != NULL) put_back(pool, dst);
    return freed;
}

uint64_t tz_zs_compact_classes(tz_zs_pool *pool) {
    uint64_t freed = 0;
    for (int32_t i = TZ_ZS_CLASS_COUNT - 1; i >= 0; i--) {
        if (pool->specs[i].distinct == i) freed += compact_class(pool, (uint32_t)i);
    }
    pool->pages_compacted += freed;
    tz_zs_memory_trim(&pool->memory);
    return freed;
}
