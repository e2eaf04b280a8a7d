/* The corpus of real memory pages (../shared/corpus, files NAME.pages.zst), decompressed in memory with libzstd. */
#ifndef TZ_TEST_CORPUS_H
#define TZ_TEST_CORPUS_H

#include <stddef.h>
#include <stdint.h>

typedef struct corpus_file {
    char name[256];
    uint8_t *pages;
    size_t count;
} corpus_file;

typedef struct corpus {
    corpus_file files[16];
    size_t file_count;
    size_t total_pages;
} corpus;

/* Loads every NAME.pages.zst file of dir, sorted by name. 0 on success, -1 with a message on stderr. */
int corpus_load(const char *dir, corpus *out);
void corpus_free(corpus *c);

#endif
