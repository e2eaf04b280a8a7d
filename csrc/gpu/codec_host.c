/* codec_host.c: the GPU's per-page LZ4 step compiled for the CPU (see lz4_page_step.h). */
#include <string.h>

#include "../include/trueno_zram.h"
#include "lz4_page_step.h"

TZ_API int32_t tz_gpu_codec_compress_page_host(const uint8_t *page, uint8_t *out, int32_t out_cap) {
  if (page == NULL || out == NULL || out_cap < 0) return TZ_E_INVALID;
  uint16_t table[TZ_STEP_TABLE_SLOTS];
  memset(table, 0, sizeof table);
  return tz_lz4_step_compress(page, table, out, out_cap);
}
