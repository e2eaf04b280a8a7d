/* What the native tests share: the corpus, synthetic edge pages, guarded buffers, a fixed PRNG. */
#ifndef TZ_TEST_FIXTURES_H
#define TZ_TEST_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

#define PAGE 4096

extern corpus tz_corpus;

typedef struct edge_page {
    char name[48];
    uint8_t page[PAGE];
    int same_word; /* expected kernel-rule answer */
    int same_byte; /* expected byte-fill answer */
} edge_page;

/* zeros, every byte value, 2/4/8-byte periods (same by the word rule), 3/16-byte periods (not), one
 * differing byte first/middle/last, random, text. Owned by the fixtures; built once. */
const edge_page *edge_pages(size_t *count);

/* len bytes whose end touches an inaccessible page, so any read or write past them faults. */
typedef struct guarded {
    uint8_t *data;
    void *map;
    size_t map_len;
} guarded;
guarded guarded_alloc(size_t len);
void guarded_free(guarded *g);

uint64_t test_rand(uint64_t *state);
void fill_random(uint8_t *p, size_t len, uint64_t *state);

/* Test groups, one per file. */
void tests_abi(void);
void tests_scan(void);
void tests_codec(void);
void tests_batch(void);
void tests_corrupt(void);
void tests_handles(void);
void tests_decoder_rules(void);
void tests_pool(void);
void tests_zs_pool(void);
void tests_store(void);
void tests_dictionary(void);
void tests_store_postprocess(void);
void tests_store_writeback(void);

#endif
