/* Writeback to a backing file, as Linux zram does it with a backing device (drivers/block/zram/
 * zram_drv.c: backing_dev_store, alloc_block_bdev, zram_writeback_slots, read_from_bdev, bd_stat):
 * selected pages are decoded and written whole, one 4096-byte block each, to a free block of the file
 * (block 0 is never used); the page then frees its pool memory, stays counted in pages_stored and reads
 * back from the file; an overwrite or discard frees its block. A failed file write leaves the page in
 * memory, unchanged. Unlike zram, a regular file is accepted as well as a block device. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trueno_zram.h"
#include "tz_compressor.h"
#include "store.h"

/* The longest path zram takes (PATH_MAX, NUL included). */
#define PATH_CAP 4096

static int bit_set(const uint64_t *map, uint64_t block) { return (map[block / 64] >> (block % 64)) & 1; }

/* alloc_block_bdev(): the first free block from 1 on, or 0 when the file is full. */
static uint64_t alloc_block(tz_store *store) {
    for (uint64_t block = 1; block < store->backing_blocks; block++) {
        if (bit_set(store->backing_map, block)) continue;
        store->backing_map[block / 64] |= 1ull << (block % 64);
        store->bd_count++;
        return block;
    }
    return 0;
}

void tz_store_release_block(tz_store *store, uint64_t block) {
    store->backing_map[block / 64] &= ~(1ull << (block % 64));
    store->bd_count--;
}

int32_t tz_store_read_block(tz_store *store, uint64_t block, uint8_t *page) {
    ssize_t got = pread(store->backing_fd, page, TZ_PAGE_SIZE, (off_t)(block * TZ_PAGE_SIZE));
    __atomic_fetch_add(&store->bd_reads, 1, __ATOMIC_RELAXED);
    return got == TZ_PAGE_SIZE ? TZ_OK : TZ_E_CORRUPTED;
}

void tz_store_drop_backing(tz_store *store) {
    if (!store->has_backing) return;
    close(store->backing_fd);
    free(store->backing_map);
    store->backing_map = NULL;
    store->backing_blocks = 0;
    store->has_backing = 0;
}

/* The size of an open file or block device in bytes; -1 with errno set. ENOTBLK for anything else. */
static off_t size_of(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    if (S_ISREG(st.st_mode)) return st.st_size;
    uint64_t bytes;
    if (S_ISBLK(st.st_mode)) return ioctl(fd, BLKGETSIZE64, &bytes) == 0 ? (off_t)bytes : -1;
    errno = ENOTBLK;
    return -1;
}

TZ_API int32_t tz_store_set_backing(int32_t handle, const uint8_t *path, int32_t path_len, int32_t *errno_out) {
    if (path == NULL || errno_out == NULL || path_len < 1 || path_len >= PATH_CAP || memchr(path, 0, (size_t)path_len))
        return TZ_E_INVALID;
    char name[PATH_CAP];
    memcpy(name, path, (size_t)path_len);
    name[path_len] = 0;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    int32_t status = TZ_OK;
    errno_out[0] = 0;
    if (store->has_backing) status = TZ_E_INVALID; /* set once, before anything is written back */
    int fd = status == TZ_OK ? open(name, O_RDWR | O_LARGEFILE | O_CLOEXEC) : -1;
    off_t bytes = fd >= 0 ? size_of(fd) : -1;
    uint64_t blocks = bytes > 0 ? (uint64_t)bytes / TZ_PAGE_SIZE : 0;
    if (status == TZ_OK && (fd < 0 || bytes < 0)) {
        errno_out[0] = errno;
        status = TZ_E_INVALID;
    } else if (status == TZ_OK && blocks > UINT32_MAX) {
        errno_out[0] = EFBIG;
        status = TZ_E_INVALID;
    }
    /* Any size, as zram takes any device: with fewer than two blocks (block 0 is never used) every
     * writeback finds the file full. */
    uint64_t *map = status == TZ_OK ? calloc((blocks + 64) / 64, sizeof *map) : NULL;
    if (status == TZ_OK && map == NULL) status = TZ_E_NO_MEMORY;
    if (status == TZ_OK) {
        store->has_backing = 1;
        store->backing_fd = fd;
        store->backing_blocks = (uint32_t)blocks;
        store->backing_map = map;
    } else if (fd >= 0) {
        close(fd);
    }
    tz_store_leave(handle, store);
    return status;
}

static int selected_for_writeback(const tz_store_entry *e, int32_t mode) {
    if (e->kind == TZ_STORE_EMPTY || e->kind == TZ_KIND_SAME || e->kind == TZ_STORE_WB) return 0;
    if ((e->flags & TZ_STORE_FLAG_PP)) return 0; /* already placed by an earlier range */
    if ((mode & TZ_WRITEBACK_IDLE) && !(e->flags & TZ_STORE_FLAG_IDLE)) return 0;
    if ((mode & TZ_WRITEBACK_HUGE) && e->kind != TZ_KIND_RAW) return 0;
    if ((mode & TZ_WRITEBACK_INCOMPRESSIBLE) && !(e->flags & TZ_STORE_FLAG_INCOMPRESSIBLE)) return 0;
    return 1;
}

/* scan_slots_for_writeback once per scan (first, end, mode): the selected pages, in placement order. */
static uint32_t *select_pages(tz_store *store, const int32_t *scans, int32_t scan_count, uint32_t *count) {
    uint64_t total = 0;
    for (int32_t r = 0; r < scan_count; r++) total += (uint64_t)(scans[3 * r + 1] - scans[3 * r]);
    uint32_t *pages = malloc((total > 0 ? total : 1) * sizeof *pages);
    *count = 0;
    if (pages == NULL) return NULL;
    for (int32_t r = 0; r < scan_count; r++) {
        for (int32_t i = scans[3 * r]; i < scans[3 * r + 1]; i++) {
            tz_store_entry *e = &store->table[i];
            if (!selected_for_writeback(e, scans[3 * r + 2])) continue;
            e->flags |= TZ_STORE_FLAG_PP;
            pages[(*count)++] = (uint32_t)i;
        }
    }
    return pages;
}

/* Writes page `index` out to `block`: TZ_OK, or TZ_E_CORRUPTED when it could not be decoded or written
 * (the page is then left as it was). */
static int32_t write_out(tz_store *store, tz_compressor *primary, uint32_t index, uint64_t block, uint8_t *page) {
    tz_store_entry *e = &store->table[index];
    pthread_mutex_lock(&primary->caller_mutex);
    int32_t status = tz_page_decompress(&primary->caller_state, e->kind, tz_zs_object(&store->pool, e->value, NULL),
                                        e->size, NULL, page);
    pthread_mutex_unlock(&primary->caller_mutex);
    if (status != TZ_OK) return status;
    if (pwrite(store->backing_fd, page, TZ_PAGE_SIZE, (off_t)(block * TZ_PAGE_SIZE)) != TZ_PAGE_SIZE) return TZ_E_CORRUPTED;
    store->bd_writes++;
    tz_store_free_page(store, index);
    e->kind = TZ_STORE_WB;
    e->value = block;
    e->flags = TZ_STORE_FLAG_WRITTEN_BACK;
    store->pages_stored++;
    return TZ_OK;
}

static void writeback_pages(tz_store *store, tz_compressor *primary, const uint32_t *pages, uint32_t count,
                            int32_t limit_enabled, double *limit, double *out) {
    uint8_t page[TZ_PAGE_SIZE];
    uint64_t block = 0;
    uint32_t k = 0;
    for (; k < count; k++) {
        if (limit_enabled && *limit <= 0) {
            out[TZ_WRITEBACK_OUT_STOP] = TZ_WRITEBACK_STOP_LIMIT;
            break;
        }
        if (block == 0 && (block = alloc_block(store)) == 0) {
            out[TZ_WRITEBACK_OUT_STOP] = TZ_WRITEBACK_STOP_FULL;
            break;
        }
        store->table[pages[k]].flags &= (uint8_t)~TZ_STORE_FLAG_PP;
        if (write_out(store, primary, pages[k], block, page) != TZ_OK) {
            out[TZ_WRITEBACK_OUT_FAILED]++; /* the block is kept for the next page, as zram does */
            continue;
        }
        block = 0;
        out[TZ_WRITEBACK_OUT_WRITTEN]++;
        if (limit_enabled && *limit > 0) (*limit)--;
    }
    for (; k < count; k++) store->table[pages[k]].flags &= (uint8_t)~TZ_STORE_FLAG_PP;
    if (block != 0) tz_store_release_block(store, block);
}

/* TZ_OK when every scan is a range inside the store with a known mode. */
static int32_t check_scans(const tz_store *store, const int32_t *scans, int32_t scan_count) {
    for (int32_t r = 0; r < scan_count; r++) {
        int32_t first = scans[3 * r], end = scans[3 * r + 1], mode = scans[3 * r + 2];
        if (first > end || tz_store_check_range(store, first, end - first) != TZ_OK || mode < 0 ||
            mode > (TZ_WRITEBACK_IDLE | TZ_WRITEBACK_HUGE | TZ_WRITEBACK_INCOMPRESSIBLE))
            return TZ_E_INVALID;
    }
    return TZ_OK;
}

TZ_API int32_t tz_store_writeback(int32_t handle, int32_t primary, const int32_t *scans, int32_t scan_count,
                                  int32_t limit_enabled, double *limit_pages, double *out) {
    if (scans == NULL || limit_pages == NULL || out == NULL || scan_count < 0 || !(*limit_pages >= 0))
        return TZ_E_INVALID;
    tz_compressor *c = tz_compressor_acquire(primary);
    if (c == NULL) return TZ_E_CLOSED;
    tz_store *store = tz_store_enter(handle);
    int32_t status = store == NULL ? TZ_E_CLOSED : TZ_OK;
    if (status == TZ_OK) status = check_scans(store, scans, scan_count);
    if (status == TZ_OK && !store->has_backing) status = TZ_E_UNSUPPORTED;
    if (status == TZ_OK) {
        memset(out, 0, TZ_WRITEBACK_OUT_SLOTS * sizeof *out);
        uint32_t count;
        uint32_t *pages = select_pages(store, scans, scan_count, &count);
        if (pages == NULL || tz_store_order_largest_first(store, pages, count) != TZ_OK) {
            for (uint32_t k = 0; pages != NULL && k < count; k++) store->table[pages[k]].flags &= (uint8_t)~TZ_STORE_FLAG_PP;
            status = TZ_E_NO_MEMORY;
        } else {
            writeback_pages(store, c, pages, count, limit_enabled, limit_pages, out);
        }
        free(pages);
    }
    if (store != NULL) tz_store_leave(handle, store);
    tz_compressor_release(primary);
    return status;
}

TZ_API int32_t tz_store_backing_stats(int32_t handle, double *out) {
    if (out == NULL) return TZ_E_INVALID;
    tz_store *store = tz_store_enter(handle);
    if (store == NULL) return TZ_E_CLOSED;
    out[0] = (double)store->bd_count;
    out[1] = (double)__atomic_load_n(&store->bd_reads, __ATOMIC_RELAXED);
    out[2] = (double)store->bd_writes;
    out[3] = (double)store->backing_blocks;
    tz_store_leave(handle, store);
    return TZ_OK;
}
