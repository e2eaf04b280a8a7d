/*
 * kernel_abi.h: what the host side (csrc/gpu) and the kernels (csrc/cuda) agree on: launch shapes and
 * internal page markers. Plain C, included by both compilers.
 */
#ifndef TZ_KERNEL_ABI_H
#define TZ_KERNEL_ABI_H

/* Compression: one warp per page, the page and its hash table in shared memory (8 KiB per page). */
#define TZ_GPU_COMPRESS_PAGES_PER_BLOCK 4
/* Decompression: one warp per page, the page being rebuilt in shared memory (4 KiB per page). */
#define TZ_GPU_DECOMPRESS_PAGES_PER_BLOCK 8
/* Classification and compaction: one warp per page. */
#define TZ_GPU_WARP_PAGES_PER_BLOCK 8
#define TZ_GPU_SCAN_THREADS 1024
/* Largest LZ4 block that can decode to one page: LZ4_COMPRESSBOUND(4096). Larger inputs are corrupt. */
#define TZ_GPU_MAX_COMPRESSED_PAGE (4096 + 4096 / 255 + 16)
/* Kind the host gives a page it already rejected (its size cannot be one of its kind): the kernel marks
 * it corrupted without reading it. A caller's own kind 255 is no kind: the host sends it as
 * TZ_GPU_KIND_UNKNOWN, which the kernel reports invalid, as the CPU path does. */
#define TZ_GPU_KIND_REJECTED 255
#define TZ_GPU_KIND_UNKNOWN 0

#endif
