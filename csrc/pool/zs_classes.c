/* Class sizes, chain lengths by least waste, and merging of equal neighbours, as zs_create_pool does. */
#include <pthread.h>

#include "trueno_zram.h"
#include "zs_classes.h"

static tz_zs_class_spec table[TZ_ZS_CLASS_COUNT];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* get_pages_per_zspage: 1 for a power of two, else the chain of 1..8 pages leaving the least tail. */
static uint8_t pages_for(uint32_t size) {
    if ((size & (size - 1)) == 0) return 1;
    uint32_t best = 1, least = TZ_PAGE_SIZE % size;
    for (uint32_t k = 2; k <= TZ_ZS_MAX_ZSPAGE_PAGES; k++) {
        uint32_t waste = (k * TZ_PAGE_SIZE) % size;
        if (waste < least) {
            least = waste;
            best = k;
        }
    }
    return (uint8_t)best;
}

static void build(void) {
    for (int32_t i = TZ_ZS_CLASS_COUNT - 1; i >= 0; i--) {
        uint32_t size = TZ_ZS_MIN_SIZE + TZ_ZS_CLASS_STEP * (uint32_t)i;
        if (size > TZ_PAGE_SIZE) size = TZ_PAGE_SIZE;
        tz_zs_class_spec *c = &table[i];
        c->size = size;
        c->pages = pages_for(size);
        c->objects = (uint16_t)(c->pages * TZ_PAGE_SIZE / size);
        c->distinct = (uint8_t)i;
        /* Same chain and object count as the class above: zsmalloc reuses that larger class. */
        if (i < TZ_ZS_CLASS_COUNT - 1) {
            const tz_zs_class_spec *above = &table[i + 1];
            if (above->pages == c->pages && above->objects == c->objects) c->distinct = above->distinct;
        }
    }
}

const tz_zs_class_spec *tz_zs_classes(void) {
    pthread_once(&table_once, build);
    return table;
}

int32_t tz_zs_class_index(uint32_t n) {
    uint32_t s = n + TZ_ZS_HANDLE_BYTES;
    if (s <= TZ_ZS_MIN_SIZE) return 0;
    uint32_t index = (s - TZ_ZS_MIN_SIZE + TZ_ZS_CLASS_STEP - 1) / TZ_ZS_CLASS_STEP;
    return index < TZ_ZS_CLASS_COUNT ? (int32_t)index : TZ_ZS_CLASS_COUNT - 1;
}

int32_t tz_zs_group(uint32_t inuse, uint32_t objects) {
    if (inuse == 0) return TZ_ZS_GROUP_EMPTY;
    if (inuse == objects) return TZ_ZS_GROUP_FULL;
    return (int32_t)((100 * inuse / objects) / 10) + 1;
}
