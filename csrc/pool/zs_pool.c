/* zs_malloc and zs_free as Linux 6.18 does them: the fullest non-full zspage first, a zspage moved to
 * the head of its new group's list whenever its group changes, LIFO free slots, empty zspages freed. */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "zs_pool.h"

#define GENERATION_SHIFT 32

void tz_zs_pool_init(tz_zs_pool *pool) {
    memset(pool, 0, sizeof *pool);
    pool->specs = tz_zs_classes();
    tz_zs_memory_init(&pool->memory);
}

void tz_zs_pool_destroy(tz_zs_pool *pool) {
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) {
        for (int32_t g = 0; g < TZ_ZS_GROUPS; g++) {
            for (tz_zs_zspage *z = pool->classes[i].lists[g], *next; z != NULL; z = next) {
                next = z->next;
                free(z);
            }
        }
    }
    tz_zs_memory_destroy(&pool->memory);
    free(pool->records);
    memset(pool, 0, sizeof *pool);
}

void tz_zs_list_insert(tz_zs_class_state *cls, tz_zs_zspage *z, uint8_t group) {
    z->group = group;
    z->prev = NULL;
    z->next = cls->lists[group];
    if (z->next != NULL) z->next->prev = z;
    cls->lists[group] = z;
}

void tz_zs_list_remove(tz_zs_class_state *cls, tz_zs_zspage *z) {
    if (z->prev != NULL) z->prev->next = z->next;
    else cls->lists[z->group] = z->next;
    if (z->next != NULL) z->next->prev = z->prev;
    z->prev = z->next = NULL;
}

uint32_t tz_zs_slot_take(tz_zs_zspage *z, uint32_t record) {
    uint32_t slot = z->free_stack[--z->free_count];
    z->owner[slot] = record;
    z->inuse++;
    return slot;
}

void tz_zs_slot_give(tz_zs_zspage *z, uint32_t slot) {
    z->free_stack[z->free_count++] = (uint16_t)slot;
    z->inuse--;
}

/* A new zspage of class `index` with every slot free, slot 0 on top. */
static tz_zs_zspage *zspage_new(tz_zs_pool *pool, uint32_t index) {
    const tz_zs_class_spec *spec = &pool->specs[index];
    size_t objects = spec->objects;
    tz_zs_zspage *z = malloc(sizeof *z + objects * (sizeof(uint16_t) + sizeof(uint32_t)));
    if (z == NULL) return NULL;
    z->memory = tz_zs_memory_get(&pool->memory, spec->pages);
    if (z->memory == NULL) {
        free(z);
        return NULL;
    }
    z->owner = (uint32_t *)(z + 1);
    z->free_stack = (uint16_t *)(z->owner + objects);
    for (size_t i = 0; i < objects; i++) z->free_stack[i] = (uint16_t)(objects - 1 - i);
    z->free_count = (uint16_t)objects;
    z->inuse = 0;
    z->class_index = (uint16_t)index;
    z->serial = ++pool->zspages_created;
    z->prev = z->next = NULL;
    pool->pages_allocated += spec->pages;
    pool->classes[index].objects_allocated += objects;
    return z;
}

void tz_zs_zspage_free(tz_zs_pool *pool, tz_zs_zspage *z) {
    const tz_zs_class_spec *spec = &pool->specs[z->class_index];
    tz_zs_memory_put(&pool->memory, z->memory, spec->pages);
    pool->pages_allocated -= spec->pages;
    pool->classes[z->class_index].objects_allocated -= spec->objects;
    free(z);
}

/* A free record index, or UINT32_MAX when the table cannot grow. */
static uint32_t record_new(tz_zs_pool *pool) {
    if (pool->free_record != 0) {
        uint32_t index = pool->free_record - 1;
        pool->free_record = pool->records[index].slot;
        return index;
    }
    if (pool->record_count == pool->record_capacity) {
        uint32_t capacity = pool->record_capacity ? pool->record_capacity * 2 : 1024;
        if (capacity <= pool->record_capacity) return UINT32_MAX;
        tz_zs_record *records = realloc(pool->records, (size_t)capacity * sizeof *records);
        if (records == NULL) return UINT32_MAX;
        pool->records = records;
        pool->record_capacity = capacity;
    }
    pool->records[pool->record_count].generation = 0;
    return pool->record_count++;
}

static void record_drop(tz_zs_pool *pool, uint32_t index) {
    tz_zs_record *r = &pool->records[index];
    r->zspage = NULL;
    r->generation++;
    r->slot = pool->free_record;
    pool->free_record = index + 1;
}

static uint64_t handle_of(const tz_zs_pool *pool, uint32_t index) {
    return ((uint64_t)pool->records[index].generation << GENERATION_SHIFT) | (index + 1);
}

tz_zs_record *tz_zs_lookup(tz_zs_pool *pool, uint64_t handle) {
    uint64_t low = handle & 0xffffffffu;
    if (low == 0 || low > pool->record_count) return NULL;
    tz_zs_record *r = &pool->records[low - 1];
    if (r->zspage == NULL || r->generation != (uint32_t)(handle >> GENERATION_SHIFT)) return NULL;
    return r;
}

uint8_t *tz_zs_object(const tz_zs_pool *pool, uint64_t handle, uint32_t *object_size) {
    const tz_zs_record *r = &pool->records[(handle & 0xffffffffu) - 1];
    uint32_t size = pool->specs[r->zspage->class_index].size;
    if (object_size != NULL) *object_size = size;
    return r->zspage->memory + (size_t)r->slot * size;
}

/* find_get_zspage: the head of the fullest non-full list, groups 10 down to 0. */
static tz_zs_zspage *fullest(tz_zs_class_state *cls) {
    for (int32_t g = TZ_ZS_GROUP_FULL - 1; g >= TZ_ZS_GROUP_EMPTY; g--) {
        if (cls->lists[g] != NULL) return cls->lists[g];
    }
    return NULL;
}

/* Moves z to the head of its group's list if its group changed (fix_fullness_group). */
static void regroup(tz_zs_pool *pool, tz_zs_zspage *z) {
    uint8_t group = (uint8_t)tz_zs_group(z->inuse, pool->specs[z->class_index].objects);
    if (group == z->group) return;
    tz_zs_class_state *cls = &pool->classes[z->class_index];
    tz_zs_list_remove(cls, z);
    tz_zs_list_insert(cls, z, group);
}

uint64_t tz_zs_alloc(tz_zs_pool *pool, uint32_t n) {
    uint32_t index = pool->specs[tz_zs_class_index(n)].distinct;
    tz_zs_class_state *cls = &pool->classes[index];
    uint32_t record = record_new(pool);
    if (record == UINT32_MAX) return 0;
    tz_zs_zspage *z = fullest(cls);
    if (z != NULL) {
        pool->records[record].slot = tz_zs_slot_take(z, record);
        regroup(pool, z);
    } else {
        z = zspage_new(pool, index);
        if (z == NULL) {
            record_drop(pool, record);
            return 0;
        }
        pool->records[record].slot = tz_zs_slot_take(z, record);
        tz_zs_list_insert(cls, z, (uint8_t)tz_zs_group(z->inuse, pool->specs[index].objects));
    }
    pool->records[record].zspage = z;
    cls->objects_used++;
    return handle_of(pool, record);
}

void tz_zs_release(tz_zs_pool *pool, uint64_t handle) {
    uint32_t record = (uint32_t)(handle & 0xffffffffu) - 1;
    tz_zs_record *r = &pool->records[record];
    tz_zs_zspage *z = r->zspage;
    tz_zs_class_state *cls = &pool->classes[z->class_index];
    tz_zs_slot_give(z, r->slot);
    cls->objects_used--;
    record_drop(pool, record);
    regroup(pool, z);
    if (z->group == TZ_ZS_GROUP_EMPTY) {
        tz_zs_list_remove(cls, z);
        tz_zs_zspage_free(pool, z);
    }
}
