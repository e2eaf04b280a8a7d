/* A zram-like page store: one table entry per device page (a pool handle, or a same-fill pattern) over
 * a zsmalloc-exact pool, with zram's accounting and write order. Calls hold the store's mutex. */
#ifndef TZ_STORE_H
#define TZ_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../pool/zs_pool.h"
#include "trueno_zram.h"

/* A page's stored form in the table: 0 = empty; otherwise TZ_KIND_*, or TZ_STORE_WB: written back to the
 * backing file, value = its block there. */
#define TZ_STORE_EMPTY 0
#define TZ_STORE_WB 255
/* A flag of the entries one post-processing pass has selected (zram's ZRAM_PP_SLOT); never left set. */
#define TZ_STORE_FLAG_PP 0x80

typedef struct tz_store_entry {
    uint64_t value; /* pool handle, or the same-fill pattern */
    uint16_t size;  /* stored bytes (0 for SAME) */
    uint8_t kind;
    uint8_t flags;    /* TZ_STORE_FLAG_* and the priority (trueno_zram.h); zeroed when the page is freed */
    uint32_t ac_time; /* the store clock's second of the last access (zram's u32 ac_time); 0 when freed */
} tz_store_entry;

typedef struct tz_store {
    pthread_mutex_t mutex;
    tz_zs_pool pool;
    tz_store_entry *table; /* mapped lazily: untouched pages of a large device cost nothing */
    size_t table_bytes;
    uint32_t page_count;
    uint64_t limit_pages; /* 0 = none */
    uint64_t max_used_pages;
    /* zram's counters of what is stored now */
    uint64_t compr_data_size;
    uint64_t pages_stored;
    uint64_t same_pages;
    uint64_t zero_pages;
    uint64_t huge_pages;
    /* The clock of access times: boottime seconds, or a fixed second set by the caller (tests). */
    int clock_fixed;
    uint32_t clock_seconds;
    /* The backing file of writeback (store_backing.c), when has_backing. */
    int has_backing;
    int backing_fd;
    uint32_t backing_blocks;
    uint64_t *backing_map; /* one bit per block; block 0 is never used, as in zram */
    uint64_t bd_count;     /* blocks in use */
    uint64_t bd_writes;
    uint64_t bd_reads;     /* added to atomically: reads run on worker threads */
} tz_store;

/* The outcome of storing a request: the int32 slots of outcome_out (trueno_zram.h). */
enum {
    TZ_STORE_OUT_DONE = 0,
    TZ_STORE_OUT_REFUSED,
    TZ_STORE_OUT_SAME,
    TZ_STORE_OUT_HUGE,
    TZ_STORE_OUT_BYTES,
    TZ_STORE_OUT_STORED,
    TZ_STORE_OUT_ENTROPY, /* the last of TZ_STORE_OUT_SLOTS */
};

/* The store behind a handle, locked; NULL when unknown or closed. tz_store_leave unlocks and releases. */
tz_store *tz_store_enter(int32_t handle);
void tz_store_leave(int32_t handle, tz_store *store);

/* TZ_OK when pages [first, first + n) lie inside the store, else TZ_E_INVALID. */
int32_t tz_store_check_range(const tz_store *store, int32_t first, int32_t n);
/* The store clock now, in seconds (see tz_store_set_clock). */
uint32_t tz_store_now(const tz_store *store);
/* zram_accessed(): the page is not idle any more and was accessed at `now`. */
static inline void tz_store_accessed(tz_store_entry *e, uint32_t now) {
    e->flags &= (uint8_t)~TZ_STORE_FLAG_IDLE;
    e->ac_time = now;
}
/* Reads written-back block `block` into page (4096 bytes) and counts it: TZ_OK, or TZ_E_CORRUPTED when
 * the file does not give the page back. Safe beside other readers. */
int32_t tz_store_read_block(tz_store *store, uint64_t block, uint8_t *page);
/* Returns a block of the backing file to the free ones. */
void tz_store_release_block(tz_store *store, uint64_t block);
/* Closes the backing file (when there is one). */
void tz_store_drop_backing(tz_store *store);
/* zram's post-processing order: pages[0..n) reordered largest stored size first (64-byte buckets, the
 * given order within a bucket). TZ_OK or TZ_E_NO_MEMORY (pages unchanged). */
int32_t tz_store_order_largest_first(const tz_store *store, uint32_t *pages, uint32_t n);
/* Frees whatever page `page` holds (no-op when empty); its flags and access time go with it. */
void tz_store_free_page(tz_store *store, uint32_t page);
/* A compressed request: page i's bytes at arena[offsets[i] ..) (offsets NULL: at i * 4096), its size,
 * kind, 8-byte pattern and (reasons may be NULL) why it went raw. */
typedef struct tz_store_batch {
    const uint8_t *arena;
    const int32_t *offsets;
    const int32_t *sizes;
    const uint8_t *kinds;
    const uint8_t *patterns;
    const uint8_t *reasons;
} tz_store_batch;

/* Stores n pages of a batch from first_page on in page order, skipping page i where skip[i] != 0
 * (skip may be NULL); stops at the first page the pool refuses. Fills out[TZ_STORE_OUT_SLOTS]. */
void tz_store_commit_batch(tz_store *store, uint32_t first_page, int32_t n, const tz_store_batch *batch,
                     const uint8_t *skip, int32_t *out);

#endif
