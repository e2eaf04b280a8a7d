/* A zsmalloc pool: objects in zspages per size class, each zspage on one of 12 fullness lists, objects
 * named by 8-byte handles that survive compaction. Not thread-safe: the owner serialises calls. */
#ifndef TZ_ZS_POOL_H
#define TZ_ZS_POOL_H

#include <stdint.h>

#include "zs_classes.h"
#include "zs_memory.h"

typedef struct tz_zs_zspage tz_zs_zspage;
struct tz_zs_zspage {
    tz_zs_zspage *prev, *next; /* on its class's list for `group` (unlinked while compaction holds it) */
    uint8_t *memory;
    uint64_t serial;      /* creation order in the pool, for tests and diagnostics */
    uint16_t class_index; /* a distinct class */
    uint16_t inuse;
    uint16_t free_count;  /* free_stack[free_count - 1] is the next slot handed out */
    uint8_t group;
    uint16_t *free_stack;
    uint32_t *owner;      /* per used slot: the index of the handle record naming it */
};

typedef struct tz_zs_class_state {
    tz_zs_zspage *lists[TZ_ZS_GROUPS];
    uint64_t objects_allocated; /* slots in this class's zspages */
    uint64_t objects_used;
} tz_zs_class_state;

/* What a handle names; a free record chains the free list through `slot`. */
typedef struct tz_zs_record {
    tz_zs_zspage *zspage;
    uint32_t slot;
    uint32_t generation;
} tz_zs_record;

typedef struct tz_zs_pool {
    const tz_zs_class_spec *specs;
    tz_zs_class_state classes[TZ_ZS_CLASS_COUNT]; /* used at distinct indices only */
    tz_zs_memory memory;
    tz_zs_record *records;
    uint32_t record_count;
    uint32_t record_capacity;
    uint32_t free_record; /* index + 1 of the first free record; 0 = none */
    uint64_t pages_allocated;
    uint64_t pages_compacted;
    uint64_t zspages_created;
} tz_zs_pool;

void tz_zs_pool_init(tz_zs_pool *pool);
void tz_zs_pool_destroy(tz_zs_pool *pool);
/* zs_malloc(n), n in 1..4096: a handle != 0, or 0 when no memory is left (nothing changed). */
uint64_t tz_zs_alloc(tz_zs_pool *pool, uint32_t n);
/* zs_free. The handle must be live (tz_zs_lookup checks one from outside). */
void tz_zs_release(tz_zs_pool *pool, uint64_t handle);
/* The record of a live handle, or NULL for a stale or forged one. */
tz_zs_record *tz_zs_lookup(tz_zs_pool *pool, uint64_t handle);
/* Where a live handle's object lies now, and its class's object size. */
uint8_t *tz_zs_object(const tz_zs_pool *pool, uint64_t handle, uint32_t *object_size);
/* zs_compact: returns the pages freed; pages_compacted grows by as many. Freed memory leaves at once. */
uint64_t tz_zs_compact_classes(tz_zs_pool *pool);

/* Shared by alloc, free and compaction. */
void tz_zs_list_insert(tz_zs_class_state *cls, tz_zs_zspage *z, uint8_t group);
void tz_zs_list_remove(tz_zs_class_state *cls, tz_zs_zspage *z);
/* Pops a free slot of z for record `record`; returns the slot. */
uint32_t tz_zs_slot_take(tz_zs_zspage *z, uint32_t record);
void tz_zs_slot_give(tz_zs_zspage *z, uint32_t slot);
/* Frees an empty zspage (already off its list) and its memory. */
void tz_zs_zspage_free(tz_zs_pool *pool, tz_zs_zspage *z);

#endif
