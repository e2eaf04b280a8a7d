/* zsmalloc's size classes as Linux 6.18 builds them for 4 KiB pages (../shared/zsmalloc.md). */
#ifndef TZ_ZS_CLASSES_H
#define TZ_ZS_CLASSES_H

#include <stdint.h>

#include "trueno_zram.h" /* TZ_ZS_CLASS_COUNT, TZ_ZS_GROUPS */

#define TZ_ZS_MIN_SIZE 32
#define TZ_ZS_CLASS_STEP 16
#define TZ_ZS_HANDLE_BYTES 8
#define TZ_ZS_MAX_ZSPAGE_PAGES 8
/* Bound on objects per zspage (the smallest objects in the longest chain). */
#define TZ_ZS_MAX_OBJECTS (TZ_ZS_MAX_ZSPAGE_PAGES * 4096 / TZ_ZS_MIN_SIZE)
/* Fullness groups (TZ_ZS_GROUPS of them): 0 empty, 1..10 by tenths of use, 11 full. */
#define TZ_ZS_GROUP_EMPTY 0
#define TZ_ZS_GROUP_FULL 11

typedef struct tz_zs_class_spec {
    uint32_t size;      /* object size in bytes */
    uint16_t objects;   /* objects per zspage */
    uint8_t pages;      /* pages per zspage */
    uint8_t distinct;   /* the index of the class this one merged into (itself when not merged) */
} tz_zs_class_spec;

/* The table, built once per process. */
const tz_zs_class_spec *tz_zs_classes(void);
/* The class index zs_malloc(n) uses for a stored length n (before following the merge). */
int32_t tz_zs_class_index(uint32_t n);
/* Fullness group of a zspage with `inuse` of `objects` slots used. */
int32_t tz_zs_group(uint32_t inuse, uint32_t objects);

#endif
