/* Handle = generation << TZ_HANDLE_INDEX_BITS | (slot index + 1): always > 0, and a freed slot's
 * generation moves on, so its old handles stop resolving. */
#include "tz_handles.h"

#include <stdlib.h>

#include "trueno_zram.h"

_Static_assert(TZ_HANDLE_SLOTS == TZ_MAX_HANDLES, "the header states the handle limit");

enum { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_CLOSING = 2 };

#define GENERATION_MASK ((1u << (31 - TZ_HANDLE_INDEX_BITS)) - 1)

static int32_t make_handle(uint32_t index, uint32_t generation) {
    return (int32_t)((generation << TZ_HANDLE_INDEX_BITS) | (index + 1));
}

/* Slot `index` (< slot_count); caller holds the mutex. */
static tz_handle_slot *slot_at(tz_handle_table *table, uint32_t index) {
    return &table->chunks[index / TZ_HANDLE_CHUNK_SLOTS][index % TZ_HANDLE_CHUNK_SLOTS];
}

/* The slot a handle names, if the handle is current; caller holds the mutex. */
static tz_handle_slot *find_slot(tz_handle_table *table, int32_t handle) {
    if (handle <= 0) return NULL;
    uint32_t index = ((uint32_t)handle & ((1u << TZ_HANDLE_INDEX_BITS) - 1)) - 1;
    uint32_t generation = (uint32_t)handle >> TZ_HANDLE_INDEX_BITS;
    if (index >= table->slot_count) return NULL;
    tz_handle_slot *slot = slot_at(table, index);
    if (slot->state == SLOT_FREE || slot->generation != generation) return NULL;
    return slot;
}

/* A free slot's index: round robin over the allocated slots (so a freed slot waits as long as possible
 * before its generation moves on again), growing the table by a chunk when all are taken. Returns
 * TZ_E_LIMIT or TZ_E_NO_MEMORY when there is none; caller holds the mutex. */
static int32_t free_index(tz_handle_table *table) {
    for (uint32_t k = 0; k < table->slot_count; k++) {
        uint32_t index = (table->next_hint + k) % table->slot_count;
        if (slot_at(table, index)->state == SLOT_FREE) return (int32_t)index;
    }
    if (table->slot_count >= TZ_HANDLE_SLOTS) return TZ_E_LIMIT;
    tz_handle_slot *chunk = calloc(TZ_HANDLE_CHUNK_SLOTS, sizeof *chunk);
    if (chunk == NULL) return TZ_E_NO_MEMORY;
    uint32_t index = table->slot_count;
    table->chunks[index / TZ_HANDLE_CHUNK_SLOTS] = chunk;
    table->slot_count += TZ_HANDLE_CHUNK_SLOTS;
    if (table->slot_count > TZ_HANDLE_SLOTS) table->slot_count = TZ_HANDLE_SLOTS;
    return (int32_t)index;
}

int32_t tz_handle_insert(tz_handle_table *table, void *object) {
    pthread_mutex_lock(&table->mutex);
    int32_t found = free_index(table);
    if (found < 0) {
        pthread_mutex_unlock(&table->mutex);
        return found;
    }
    uint32_t index = (uint32_t)found;
    tz_handle_slot *slot = slot_at(table, index);
    slot->object = object;
    slot->refs = 0;
    slot->state = SLOT_LIVE;
    table->next_hint = index + 1;
    int32_t handle = make_handle(index, slot->generation);
    pthread_mutex_unlock(&table->mutex);
    return handle;
}

void *tz_handle_acquire(tz_handle_table *table, int32_t handle) {
    pthread_mutex_lock(&table->mutex);
    tz_handle_slot *slot = find_slot(table, handle);
    void *object = NULL;
    if (slot != NULL && slot->state == SLOT_LIVE) {
        slot->refs++;
        object = slot->object;
    }
    pthread_mutex_unlock(&table->mutex);
    return object;
}

void tz_handle_release(tz_handle_table *table, int32_t handle) {
    pthread_mutex_lock(&table->mutex);
    tz_handle_slot *slot = find_slot(table, handle);
    if (slot != NULL && slot->refs > 0) {
        slot->refs--;
        if (slot->refs == 0 && slot->state == SLOT_CLOSING) pthread_cond_broadcast(&table->released);
    }
    pthread_mutex_unlock(&table->mutex);
}

void *tz_handle_remove(tz_handle_table *table, int32_t handle) {
    pthread_mutex_lock(&table->mutex);
    tz_handle_slot *slot = find_slot(table, handle);
    if (slot == NULL || slot->state != SLOT_LIVE) {
        pthread_mutex_unlock(&table->mutex);
        return NULL;
    }
    slot->state = SLOT_CLOSING;
    while (slot->refs > 0) pthread_cond_wait(&table->released, &table->mutex);
    void *object = slot->object;
    slot->object = NULL;
    slot->state = SLOT_FREE;
    slot->generation = (slot->generation + 1) & GENERATION_MASK;
    pthread_mutex_unlock(&table->mutex);
    return object;
}
