/* corpus_zst.h: reads the corpus's .pages.zst files for the GPU native tests. */
#ifndef TZ_CORPUS_ZST_H
#define TZ_CORPUS_ZST_H

#include <stddef.h>
#include <stdint.h>

/* Decompresses a .pages.zst file whole; returns its bytes (caller frees) and sets *len, or NULL. */
uint8_t *read_zst(const char *path, size_t *len);

/* Every page of every DIR/NAME.pages.zst, concatenated (caller frees); *pages = their count, or NULL. */
uint8_t *read_corpus(const char *dir, size_t *pages);

#endif
