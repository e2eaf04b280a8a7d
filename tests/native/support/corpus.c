#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#define PAGE 4096
#define SUFFIX ".pages.zst"

static int by_name(const void *a, const void *b) {
    return strcmp(((const corpus_file *)a)->name, ((const corpus_file *)b)->name);
}

/* Streams path through a ZSTD decoder into one growing buffer. */
static int decompress_file(const char *path, uint8_t **data, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return -1;
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t in_cap = ZSTD_DStreamInSize();
    uint8_t *in = malloc(in_cap);
    size_t cap = 1 << 24, used = 0;
    uint8_t *buf = malloc(cap);
    int status = dctx != NULL && in != NULL && buf != NULL ? 0 : -1;
    size_t got;
    while (status == 0 && (got = fread(in, 1, in_cap, f)) > 0) {
        ZSTD_inBuffer input = {in, got, 0};
        while (status == 0 && input.pos < input.size) {
            if (cap - used < (1 << 20)) {
                uint8_t *bigger = realloc(buf, cap * 2);
                if (bigger == NULL) status = -1;
                else buf = bigger, cap *= 2;
            }
            ZSTD_outBuffer output = {buf + used, cap - used, 0};
            if (status == 0 && ZSTD_isError(ZSTD_decompressStream(dctx, &output, &input))) status = -1;
            used += output.pos;
        }
    }
    fclose(f);
    ZSTD_freeDCtx(dctx);
    free(in);
    if (status != 0 || used % PAGE != 0) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = used;
    return 0;
}

int corpus_load(const char *dir, corpus *out) {
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "corpus: cannot open %s\n", dir);
        return -1;
    }
    struct dirent *e;
    int status = 0;
    while (status == 0 && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= strlen(SUFFIX) || strcmp(e->d_name + n - strlen(SUFFIX), SUFFIX) != 0) continue;
        if (out->file_count == sizeof out->files / sizeof out->files[0]) break;
        corpus_file *cf = &out->files[out->file_count];
        snprintf(cf->name, sizeof cf->name, "%.*s", (int)(n - strlen(SUFFIX)), e->d_name);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        if (decompress_file(path, &cf->pages, &len) != 0) {
            fprintf(stderr, "corpus: cannot decompress %s into whole pages\n", path);
            status = -1;
            break;
        }
        cf->count = len / PAGE;
        out->total_pages += cf->count;
        out->file_count++;
    }
    closedir(d);
    if (status == 0 && out->file_count == 0) {
        fprintf(stderr, "corpus: no *%s in %s\n", SUFFIX, dir);
        status = -1;
    }
    if (status != 0) corpus_free(out);
    else qsort(out->files, out->file_count, sizeof out->files[0], by_name);
    return status;
}

void corpus_free(corpus *c) {
    for (size_t i = 0; i < c->file_count; i++) free(c->files[i].pages);
    memset(c, 0, sizeof *c);
}
