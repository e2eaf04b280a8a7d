/* corpus_zst.c: see corpus_zst.h. */
#include "corpus_zst.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

uint8_t *read_zst(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 26, used = 0;
  uint8_t *out = malloc(cap);
  ZSTD_DStream *ds = ZSTD_createDStream();
  uint8_t in_buf[1 << 16];
  size_t got;
  int ok = 1;
  while (ok && (got = fread(in_buf, 1, sizeof in_buf, f)) > 0) {
    ZSTD_inBuffer in = {in_buf, got, 0};
    while (in.pos < in.size) {
      if (cap - used < (1 << 20)) out = realloc(out, cap *= 2);
      ZSTD_outBuffer o = {out + used, cap - used, 0};
      if (ZSTD_isError(ZSTD_decompressStream(ds, &o, &in))) {
        ok = 0;
        break;
      }
      used += o.pos;
    }
  }
  ZSTD_freeDStream(ds);
  fclose(f);
  if (!ok) {
    free(out);
    return NULL;
  }
  *len = used;
  return out;
}

uint8_t *read_corpus(const char *dir_path, size_t *pages) {
  DIR *dir = opendir(dir_path);
  if (dir == NULL) return NULL;
  uint8_t *all = NULL;
  size_t total = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    size_t name_len = strlen(entry->d_name);
    if (name_len < 10 || strcmp(entry->d_name + name_len - 10, ".pages.zst") != 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
    size_t len = 0;
    uint8_t *data = read_zst(path, &len);
    if (data == NULL || len % 4096 != 0) {
      free(data);
      free(all);
      closedir(dir);
      return NULL;
    }
    all = realloc(all, total + len);
    memcpy(all + total, data, len);
    total += len;
    free(data);
  }
  closedir(dir);
  *pages = total / 4096;
  return all;
}
