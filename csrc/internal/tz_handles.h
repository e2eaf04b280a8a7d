/* Integer handles for library objects: a fixed table of slots with generations, so a stale or forged
 * handle is simply unknown (TZ_E_CLOSED), and reference counts, so an object is never freed under a
 * thread that is using it. */
#ifndef TZ_HANDLES_H
#define TZ_HANDLES_H

#include <pthread.h>
#include <stdint.h>

#define TZ_HANDLE_INDEX_BITS 12
#define TZ_HANDLE_SLOTS ((1 << TZ_HANDLE_INDEX_BITS) - 1)

typedef struct tz_handle_slot {
    void *object;
    uint32_t generation;
    int32_t refs;    /* users inside acquire/release */
    uint8_t state;   /* free, live, closing */
} tz_handle_slot;

typedef struct tz_handle_table {
    pthread_mutex_t mutex;
    pthread_cond_t released;
    uint32_t next_hint;
    tz_handle_slot slots[TZ_HANDLE_SLOTS];
} tz_handle_table;

#define TZ_HANDLE_TABLE_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, {{0}}}

/* A new handle > 0 for object, or TZ_E_NO_MEMORY when the table is full. */
int32_t tz_handle_insert(tz_handle_table *table, void *object);
/* The live object behind handle (one more user), or NULL when unknown or closing. */
void *tz_handle_acquire(tz_handle_table *table, int32_t handle);
/* Ends a use begun by a successful tz_handle_acquire. */
void tz_handle_release(tz_handle_table *table, int32_t handle);
/* Closes handle: new acquires fail at once, then waits until every user has released it, frees the
 * slot and returns the object for the caller to destroy. NULL when unknown or already closing. */
void *tz_handle_remove(tz_handle_table *table, int32_t handle);

#endif
