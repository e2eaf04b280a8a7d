/* The order in which zram post-processes selected pages (recompression, writeback): its
 * zram_pp_ctl buckets of 64 bytes of object size, the largest first, each in the order pages were
 * placed (drivers/block/zram/zram_drv.c: place_pp_slot, select_pp_slot). */
#include <stdlib.h>
#include <string.h>

#include "trueno_zram.h"
#include "store.h"

#define BUCKET_BYTES 64
#define BUCKETS (TZ_PAGE_SIZE / BUCKET_BYTES + 1)

/* The position of a page's bucket in the order: 0 for the largest objects (the last bucket holds 4096;
 * a written-back or same-filled page has size 0 and is never selected). */
static uint32_t rank_of(const tz_store_entry *e) {
    uint32_t bucket = e->size / BUCKET_BYTES;
    return BUCKETS - 1 - (bucket < BUCKETS - 1 ? bucket : BUCKETS - 1);
}

int32_t tz_store_order_largest_first(const tz_store *store, uint32_t *pages, uint32_t n) {
    uint32_t starts[BUCKETS + 1] = {0};
    uint32_t *sorted = malloc((n > 0 ? n : 1) * sizeof *sorted);
    if (sorted == NULL) return TZ_E_NO_MEMORY;
    for (uint32_t k = 0; k < n; k++) starts[rank_of(&store->table[pages[k]]) + 1]++;
    for (uint32_t b = 1; b <= BUCKETS; b++) starts[b] += starts[b - 1];
    for (uint32_t k = 0; k < n; k++) sorted[starts[rank_of(&store->table[pages[k]])]++] = pages[k];
    memcpy(pages, sorted, n * sizeof *pages);
    free(sorted);
    return TZ_OK;
}
