/* Integer handles for library objects: a table of slots with generations, so a stale or forged handle is
 * simply unknown (TZ_E_CLOSED), and reference counts, so an object is never freed under a thread that is
 * using it. The table grows in chunks as handles are opened, up to TZ_HANDLE_SLOTS live handles; past
 * that, opening one more reports TZ_E_LIMIT. */
#ifndef TZ_HANDLES_H
#define TZ_HANDLES_H

#include <pthread.h>
#include <stdint.h>

#define TZ_HANDLE_INDEX_BITS 16
#define TZ_HANDLE_SLOTS ((1 << TZ_HANDLE_INDEX_BITS) - 1) /* = TZ_MAX_HANDLES */
#define TZ_HANDLE_CHUNK_SLOTS 1024
#define TZ_HANDLE_CHUNKS ((TZ_HANDLE_SLOTS + TZ_HANDLE_CHUNK_SLOTS - 1) / TZ_HANDLE_CHUNK_SLOTS)

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
    uint32_t slot_count; /* slots allocated so far: chunks[0 .. slot_count / CHUNK_SLOTS) */
    /* Chunks are allocated once and never moved or freed, so a slot pointer stays valid while the
     * mutex is dropped (tz_handle_remove waits on `released` holding one). */
    tz_handle_slot *chunks[TZ_HANDLE_CHUNKS];
} tz_handle_table;

#define TZ_HANDLE_TABLE_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, {0}}

/* A new handle > 0 for object; TZ_E_LIMIT when TZ_HANDLE_SLOTS handles are open, TZ_E_NO_MEMORY when
 * the table could not grow. */
int32_t tz_handle_insert(tz_handle_table *table, void *object);
/* The live object behind handle (one more user), or NULL when unknown or closing. */
void *tz_handle_acquire(tz_handle_table *table, int32_t handle);
/* Ends a use begun by a successful tz_handle_acquire. */
void tz_handle_release(tz_handle_table *table, int32_t handle);
/* Closes handle: new acquires fail at once, then waits until every user has released it, frees the
 * slot and returns the object for the caller to destroy. NULL when unknown or already closing. */
void *tz_handle_remove(tz_handle_table *table, int32_t handle);

#endif
