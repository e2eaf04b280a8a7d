/* Idle tracking as Linux zram does it (drivers/block/zram/zram_drv.c: zram_accessed, mark_idle,
 * idle_store): every read or write of a page clears its IDLE flag and stamps its access second; `idle`
 * marks stored pages idle, all of them or those not accessed for N seconds, and clears the flag of the
 * others. Same-filled and written-back pages are never marked: nothing post-processes them. */
#include <math.h>
#include <time.h>

#include "trueno_zram.h"
#include "tz_handles.h"
#include "store.h"

uint32_t tz_store_now(const tz_store *store) {
    if (store->clock_fixed) return store->clock_seconds;
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts); /* ktime_get_boottime_seconds(), truncated to u32 as zram does */
    return (uint32_t)ts.tv_sec;
}

TZ_API int32_t tz_store_set_clock(int32_t handle, double seconds) {
    if (isnan(seconds) || seconds >= 4294967296.0 || (seconds >= 0 && floor(seconds) != seconds)) return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    store->clock_fixed = seconds >= 0;
    store->clock_seconds = seconds >= 0 ? (uint32_t)seconds : 0;
    tz_store_leave(handle, store);
    return TZ_OK;
}

/* zram's time_after32(a, b): a is later than b, in wrapping u32 seconds. */
static int after32(uint32_t a, uint32_t b) { return (int32_t)(b - a) < 0; }

TZ_API int32_t tz_store_mark_idle(int32_t handle, double age_seconds) {
    if (isnan(age_seconds) || age_seconds >= 4294967296.0 || (age_seconds >= 0 && floor(age_seconds) != age_seconds))
        return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    int all = age_seconds < 0;
    uint32_t cutoff = tz_store_now(store) - (all ? 0 : (uint32_t)age_seconds);
    int32_t idle = 0;
    for (uint32_t i = 0; i < store->page_count; i++) {
        tz_store_entry *e = &store->table[i];
        if (e->kind == TZ_STORE_EMPTY || e->kind == TZ_KIND_SAME || e->kind == TZ_STORE_WB) continue;
        if (all || !after32(e->ac_time, cutoff)) {
            e->flags |= TZ_STORE_FLAG_IDLE;
            if (idle < INT32_MAX) idle++;
        } else {
            e->flags &= (uint8_t)~TZ_STORE_FLAG_IDLE;
        }
    }
    tz_store_leave(handle, store);
    return idle;
}

TZ_API int32_t tz_store_page_flags(int32_t handle, int32_t first, int32_t n, uint8_t *flags_out) {
    if (flags_out == NULL && n > 0) return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    int32_t status = tz_store_check_range(store, first, n);
    for (int32_t i = 0; status == TZ_OK && i < n; i++) flags_out[i] = store->table[first + i].flags;
    tz_store_leave(handle, store);
    return status;
}
