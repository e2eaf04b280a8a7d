/* The zsmalloc-exact pool checked against ../shared/zsmalloc.md alone: the class table, the chain sizes,
 * the merge count, the huge threshold, fullness groups with head insertion, LIFO slots, freeing, and the
 * moves compaction makes. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "trueno_zram.h"

typedef struct object {
    uint8_t handle[8];
} object;

static int32_t info(int32_t index, int32_t field) {
    int32_t out[4];
    if (tz_zs_class_info(index, out) != TZ_OK) return -1;
    return out[field];
}

enum { SIZE, PAGES, OBJECTS, DISTINCT };
enum { CLASS, SERIAL, SLOT, GROUP };

static int32_t where(int32_t pool, const object *o, int32_t field) {
    int32_t out[4];
    if (tz_zs_object_info(pool, o->handle, out) != TZ_OK) return -1;
    return out[field];
}

static double pages_allocated(int32_t pool) {
    double s[3];
    tz_zs_stats(pool, s);
    return s[0];
}

static void class_sizes_follow_the_step(void) {
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) {
        int32_t expected = 32 + 16 * i > 4096 ? 4096 : 32 + 16 * i;
        CHECK_AT(info(i, SIZE) == expected, i);
    }
    CHECK(info(254, SIZE) == 4096 && info(253, SIZE) == 4080);
    CHECK(tz_zs_class_info(255, (int32_t[4]){0}) == TZ_E_INVALID);
}

static void chains_waste_least(void) {
    /* Worked by hand from the rule: 48 bytes waste nothing in 3 pages; 3632 wastes 80 bytes in 8. */
    CHECK(info(0, PAGES) == 1 && info(0, OBJECTS) == 128);
    CHECK(info(1, PAGES) == 3 && info(1, OBJECTS) == 256);
    CHECK(info(225, SIZE) == 3632 && info(225, PAGES) == 8 && info(225, OBJECTS) == 9);
    CHECK(info(254, PAGES) == 1 && info(254, OBJECTS) == 1);
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) {
        int32_t size = info(i, SIZE), pages = info(i, PAGES);
        CHECK_AT(info(i, OBJECTS) == pages * 4096 / size, i);
        if ((size & (size - 1)) == 0) {
            CHECK_AT(pages == 1, i);
            continue;
        }
        for (int32_t k = 1; k <= 8; k++) {
            int32_t waste = k * 4096 % size, chosen = pages * 4096 % size;
            CHECK_AT(waste > chosen || (waste == chosen && k >= pages), i);
        }
    }
}

static void merging_leaves_119_classes(void) {
    int32_t distinct = 0;
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) {
        int32_t d = info(i, DISTINCT);
        if (d == i) distinct++;
        /* An alias has the chain and count of the larger class it joined. */
        CHECK_AT(d >= i && info(d, PAGES) == info(i, PAGES) && info(d, OBJECTS) == info(i, OBJECTS), i);
        if (i < 254 && d == i) CHECK_AT(info(i + 1, PAGES) != info(i, PAGES) || info(i + 1, OBJECTS) != info(i, OBJECTS), i);
    }
    CHECK(distinct == 119);
}

static void huge_threshold_is_3625(void) {
    CHECK(info(tz_zs_class_of(3624), SIZE) == 3632);
    CHECK(info(tz_zs_class_of(3625), SIZE) == 4096);
    CHECK(info(tz_zs_class_of(4096), SIZE) == 4096);
    /* The largest class with more than one page and more than one object is 3632. */
    int32_t largest = 0;
    for (int32_t i = 0; i < TZ_ZS_CLASS_COUNT; i++) {
        if (info(i, PAGES) > 1 && info(i, OBJECTS) > 1 && info(i, SIZE) > largest) largest = info(i, SIZE);
    }
    CHECK(largest == 3632);
    /* s = n + 8: up to 24 bytes land in class 0; 25 in class 1. */
    CHECK(tz_zs_class_of(24) == 0 && tz_zs_class_of(25) == 1 && tz_zs_class_of(0) == TZ_E_INVALID);
}

static void groups_move_and_insert_at_the_head(void) {
    int32_t pool = tz_zs_pool_new();
    CHECK(pool > 0);
    static object a[256];
    for (int32_t i = 0; i < 13; i++) CHECK(tz_zs_malloc(pool, 24, a[i].handle) == TZ_OK);
    CHECK(where(pool, &a[0], SERIAL) == 1 && where(pool, &a[0], SLOT) == 0 && where(pool, &a[12], SLOT) == 12);
    /* 13 of 128: floor(floor(1300 / 128) / 10) + 1 = 2. */
    CHECK(where(pool, &a[0], GROUP) == 2);
    CHECK(pages_allocated(pool) == 1);
    for (int32_t i = 13; i < 128; i++) CHECK(tz_zs_malloc(pool, 24, a[i].handle) == TZ_OK);
    CHECK(where(pool, &a[127], GROUP) == 11);
    /* Full: the next object opens zspage 2 at slot 0, group 1. */
    CHECK(tz_zs_malloc(pool, 24, a[128].handle) == TZ_OK);
    CHECK(where(pool, &a[128], SERIAL) == 2 && where(pool, &a[128], SLOT) == 0 && where(pool, &a[128], GROUP) == 1);
    CHECK(pages_allocated(pool) == 2);
    /* Two frees in zspage 1 (slots 5 then 7) put it in group 10; LIFO hands out 7 first, then 5. */
    CHECK(tz_zs_free(pool, a[5].handle) == TZ_OK && tz_zs_free(pool, a[7].handle) == TZ_OK);
    CHECK(where(pool, &a[0], GROUP) == 10);
    CHECK(tz_zs_malloc(pool, 24, a[5].handle) == TZ_OK && tz_zs_malloc(pool, 24, a[7].handle) == TZ_OK);
    CHECK(where(pool, &a[5], SERIAL) == 1 && where(pool, &a[5], SLOT) == 7);
    CHECK(where(pool, &a[7], SERIAL) == 1 && where(pool, &a[7], SLOT) == 5);
    /* Zspage 3 opens in group 1 beside zspage 2: the one that entered last is the list head. */
    for (int32_t i = 129; i < 256; i++) CHECK(tz_zs_malloc(pool, 24, a[i].handle) == TZ_OK);
    CHECK(tz_zs_free(pool, a[200].handle) == TZ_OK); /* zspage 2 (slot 72) back to group 10 */
    int32_t serials[4];
    CHECK(tz_zs_group_list(pool, 0, 10, serials, 4) == 1 && serials[0] == 2);
    CHECK(tz_zs_free(pool, a[0].handle) == TZ_OK); /* zspage 1 joins group 10 at the head */
    CHECK(tz_zs_group_list(pool, 0, 10, serials, 4) == 2 && serials[0] == 1 && serials[1] == 2);
    CHECK(tz_zs_malloc(pool, 24, a[0].handle) == TZ_OK && where(pool, &a[0], SERIAL) == 1);
    CHECK(tz_zs_free(pool, a[0].handle) == TZ_OK);
    /* A stale handle changes nothing. */
    CHECK(tz_zs_free(pool, a[0].handle) == TZ_E_INVALID);
    CHECK(tz_zs_pool_free(pool) == TZ_OK);
}

static void empty_zspages_are_freed_at_once(void) {
    int32_t pool = tz_zs_pool_new();
    object o[9];
    for (int32_t i = 0; i < 9; i++) CHECK(tz_zs_malloc(pool, 3624, o[i].handle) == TZ_OK);
    CHECK(pages_allocated(pool) == 8);
    CHECK(tz_zs_malloc(pool, 4000, o[0].handle) == TZ_OK && pages_allocated(pool) == 9);
    CHECK(tz_zs_free(pool, o[0].handle) == TZ_OK && pages_allocated(pool) == 8);
    for (int32_t i = 1; i < 9; i++) CHECK(tz_zs_free(pool, o[i].handle) == TZ_OK);
    CHECK(pages_allocated(pool) == 8); /* one object of the chain is still in use */
    CHECK(tz_zs_pool_free(pool) == TZ_OK);
}

static void compaction_moves_the_emptiest_into_the_fullest(void) {
    int32_t pool = tz_zs_pool_new();
    static object o[384];
    for (int32_t i = 0; i < 384; i++) {
        CHECK(tz_zs_malloc(pool, 24, o[i].handle) == TZ_OK);
        uint8_t data[24];
        memset(data, i & 0xff, sizeof data);
        CHECK(tz_zs_write(pool, o[i].handle, data, 24) == TZ_OK);
    }
    /* Zspage 1 keeps 100 objects (slots 0..99 used, 100..127 freed in order: 127 on top), zspage 2 keeps
     * 10 (group 1), zspage 3 keeps 20 (group 2). */
    for (int32_t i = 100; i < 128; i++) CHECK(tz_zs_free(pool, o[i].handle) == TZ_OK);
    for (int32_t i = 138; i < 256; i++) CHECK(tz_zs_free(pool, o[i].handle) == TZ_OK);
    for (int32_t i = 276; i < 384; i++) CHECK(tz_zs_free(pool, o[i].handle) == TZ_OK);
    CHECK(where(pool, &o[0], GROUP) == 8 && where(pool, &o[128], GROUP) == 1 && where(pool, &o[256], GROUP) == 2);
    CHECK(pages_allocated(pool) == 3);
    CHECK(tz_zs_compact(pool) == 1);
    double s[3];
    CHECK(tz_zs_stats(pool, s) == TZ_OK && s[0] == 2 && s[1] == 1 && s[2] == 130);
    /* Zspage 2's objects went, lowest slot first, to zspage 1's free slots from the top of its stack. */
    CHECK(where(pool, &o[128], SERIAL) == 1 && where(pool, &o[128], SLOT) == 127);
    CHECK(where(pool, &o[137], SERIAL) == 1 && where(pool, &o[137], SLOT) == 118);
    CHECK(where(pool, &o[0], GROUP) == 9);
    CHECK(where(pool, &o[256], SERIAL) == 3);
    for (int32_t i = 128; i < 138; i++) {
        uint8_t data[24];
        CHECK(tz_zs_read(pool, o[i].handle, data, 24) == TZ_OK);
        CHECK_AT(data[0] == (i & 0xff) && data[23] == (i & 0xff), i);
    }
    /* Less than one zspage of free slots remains: nothing more to do. */
    CHECK(tz_zs_compact(pool) == 0);
    CHECK(tz_zs_pool_free(pool) == TZ_OK);
}

static void bad_arguments_change_nothing(void) {
    int32_t pool = tz_zs_pool_new();
    object o;
    CHECK(tz_zs_malloc(pool, 0, o.handle) == TZ_E_INVALID);
    CHECK(tz_zs_malloc(pool, 4097, o.handle) == TZ_E_INVALID);
    memset(o.handle, 0xff, 8);
    CHECK(tz_zs_free(pool, o.handle) == TZ_E_INVALID);
    CHECK(tz_zs_malloc(pool, 100, o.handle) == TZ_OK);
    uint8_t big[200] = {0};
    CHECK(tz_zs_write(pool, o.handle, big, 200) == TZ_E_INVALID);
    CHECK(pages_allocated(pool) == info(tz_zs_class_of(100), PAGES)); /* 112-byte class: 7 pages */
    CHECK(tz_zs_pool_free(pool) == TZ_OK);
    CHECK(tz_zs_malloc(pool, 100, o.handle) == TZ_E_CLOSED);
}

void tests_zs_pool(void) {
    RUN(class_sizes_follow_the_step);
    RUN(chains_waste_least);
    RUN(merging_leaves_119_classes);
    RUN(huge_threshold_is_3625);
    RUN(groups_move_and_insert_at_the_head);
    RUN(empty_zspages_are_freed_at_once);
    RUN(compaction_moves_the_emptiest_into_the_fullest);
    RUN(bad_arguments_change_nothing);
}
