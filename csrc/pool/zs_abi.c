/* The pool behind integer handles: what the native tests (and any caller) use to check it against
 * the spec. Each pool has a mutex; the store (csrc/store) embeds pools directly instead. */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "tz_handles.h"
#include "zs_pool.h"

typedef struct locked_pool {
    pthread_mutex_t mutex;
    tz_zs_pool pool;
} locked_pool;

static tz_handle_table pools = TZ_HANDLE_TABLE_INIT;

TZ_API int32_t tz_zs_class_info(int32_t index, int32_t *info_out) {
    if (index < 0 || index >= TZ_ZS_CLASS_COUNT || info_out == NULL) return TZ_E_INVALID;
    const tz_zs_class_spec *spec = &tz_zs_classes()[index];
    info_out[0] = (int32_t)spec->size;
    info_out[1] = spec->pages;
    info_out[2] = spec->objects;
    info_out[3] = spec->distinct;
    return TZ_OK;
}

TZ_API int32_t tz_zs_class_of(int32_t len) {
    if (len < 1 || len > TZ_PAGE_SIZE) return TZ_E_INVALID;
    return tz_zs_classes()[tz_zs_class_index((uint32_t)len)].distinct;
}

TZ_API int32_t tz_zs_pool_new(void) {
    locked_pool *p = malloc(sizeof *p);
    if (p == NULL) return TZ_E_NO_MEMORY;
    pthread_mutex_init(&p->mutex, NULL);
    tz_zs_pool_init(&p->pool);
    int32_t handle = tz_handle_insert(&pools, p);
    if (handle < 0) {
        pthread_mutex_destroy(&p->mutex);
        free(p);
    }
    return handle;
}

TZ_API int32_t tz_zs_pool_free(int32_t handle) {
    locked_pool *p = tz_handle_remove(&pools, handle);
    if (p == NULL) return TZ_E_CLOSED;
    tz_zs_pool_destroy(&p->pool);
    pthread_mutex_destroy(&p->mutex);
    free(p);
    return TZ_OK;
}

static locked_pool *enter(int32_t handle) {
    locked_pool *p = tz_handle_acquire(&pools, handle);
    if (p != NULL) pthread_mutex_lock(&p->mutex);
    return p;
}

static int32_t leave(int32_t handle, locked_pool *p, int32_t result) {
    pthread_mutex_unlock(&p->mutex);
    tz_handle_release(&pools, handle);
    return result;
}

static uint64_t read_handle(const uint8_t *bytes) {
    uint64_t h;
    memcpy(&h, bytes, sizeof h);
    return h;
}

TZ_API int32_t tz_zs_malloc(int32_t handle, int32_t len, uint8_t *handle_out) {
    if (len < 1 || len > TZ_PAGE_SIZE || handle_out == NULL) return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    uint64_t object = tz_zs_alloc(&p->pool, (uint32_t)len);
    if (object == 0) return leave(handle, p, TZ_E_NO_MEMORY);
    memcpy(handle_out, &object, sizeof object);
    return leave(handle, p, TZ_OK);
}

TZ_API int32_t tz_zs_free(int32_t handle, const uint8_t *object) {
    if (object == NULL) return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    uint64_t h = read_handle(object);
    if (tz_zs_lookup(&p->pool, h) == NULL) return leave(handle, p, TZ_E_INVALID);
    tz_zs_release(&p->pool, h);
    return leave(handle, p, TZ_OK);
}

/* Copies between a live object and a caller buffer of len bytes (at most the object size). */
static int32_t transfer(int32_t handle, const uint8_t *object, uint8_t *buffer, int32_t len, int to_object) {
    if (object == NULL || buffer == NULL || len < 0) return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    uint64_t h = read_handle(object);
    if (tz_zs_lookup(&p->pool, h) == NULL) return leave(handle, p, TZ_E_INVALID);
    uint32_t size;
    uint8_t *memory = tz_zs_object(&p->pool, h, &size);
    if ((uint32_t)len > size) return leave(handle, p, TZ_E_INVALID);
    if (to_object) memcpy(memory, buffer, (size_t)len);
    else memcpy(buffer, memory, (size_t)len);
    return leave(handle, p, TZ_OK);
}

TZ_API int32_t tz_zs_write(int32_t handle, const uint8_t *object, const uint8_t *data, int32_t len) {
    return transfer(handle, object, (uint8_t *)data, len, 1);
}

TZ_API int32_t tz_zs_read(int32_t handle, const uint8_t *object, uint8_t *out, int32_t len) {
    return transfer(handle, object, out, len, 0);
}

TZ_API int32_t tz_zs_object_info(int32_t handle, const uint8_t *object, int32_t *info_out) {
    if (object == NULL || info_out == NULL) return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    tz_zs_record *r = tz_zs_lookup(&p->pool, read_handle(object));
    if (r == NULL) return leave(handle, p, TZ_E_INVALID);
    info_out[0] = r->zspage->class_index;
    info_out[1] = (int32_t)r->zspage->serial;
    info_out[2] = (int32_t)r->slot;
    info_out[3] = r->zspage->group;
    return leave(handle, p, TZ_OK);
}

TZ_API int32_t tz_zs_group_list(int32_t handle, int32_t class_index, int32_t group, int32_t *serials_out,
                                int32_t cap) {
    if (class_index < 0 || class_index >= TZ_ZS_CLASS_COUNT || group < 0 || group >= TZ_ZS_GROUPS || cap < 0 ||
        (serials_out == NULL && cap > 0))
        return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    int32_t count = 0;
    for (tz_zs_zspage *z = p->pool.classes[class_index].lists[group]; z != NULL; z = z->next, count++) {
        if (count < cap) serials_out[count] = (int32_t)z->serial;
    }
    return leave(handle, p, count);
}

TZ_API int32_t tz_zs_compact(int32_t handle) {
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    uint64_t freed = tz_zs_compact_classes(&p->pool);
    return leave(handle, p, freed > INT32_MAX ? INT32_MAX : (int32_t)freed);
}

TZ_API int32_t tz_zs_stats(int32_t handle, double *out) {
    if (out == NULL) return TZ_E_INVALID;
    locked_pool *p = enter(handle);
    if (p == NULL) return TZ_E_CLOSED;
    out[0] = (double)p->pool.pages_allocated;
    out[1] = (double)p->pool.pages_compacted;
    uint64_t used = 0;
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) used += p->pool.classes[i].objects_used;
    out[2] = (double)used;
    return leave(handle, p, TZ_OK);
}
