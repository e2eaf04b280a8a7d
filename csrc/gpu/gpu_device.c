/* gpu_device.c: whether the GPU path can run here, and the devices the driver reports. */
#include <string.h>

#include "../include/trueno_zram.h"
#include "cuda_driver.h"

TZ_API int32_t tz_gpu_built(void) { return tz_cuda_image() != NULL; }

TZ_API int32_t tz_gpu_device_count(void) {
  if (tz_cuda_image() == NULL) return TZ_E_UNSUPPORTED;
  const tz_cuda_driver *cu = tz_cuda_driver_get();
  int count = 0;
  if (cu == NULL || cu->device_get_count(&count) != 0 || count <= 0) return TZ_E_GPU_NOT_AVAILABLE;
  return count;
}

TZ_API int32_t tz_gpu_available(void) { return tz_gpu_device_count() > 0; }

TZ_API int32_t tz_gpu_device_info(int32_t index, uint8_t *name_out, int32_t name_cap, double *props_out) {
  int32_t count = tz_gpu_device_count();
  if (count < 0) return count;
  if (index < 0 || index >= count) return TZ_E_GPU_NOT_AVAILABLE;
  if (name_out == NULL || name_cap < 1 || props_out == NULL) return TZ_E_INVALID;
  const tz_cuda_driver *cu = tz_cuda_driver_get();
  tz_cu_device dev;
  char name[256];
  size_t total = 0;
  static const int attributes[6] = {
      TZ_CU_ATTR_L2_CACHE_SIZE,         TZ_CU_ATTR_COMPUTE_CAPABILITY_MAJOR,
      TZ_CU_ATTR_COMPUTE_CAPABILITY_MINOR, TZ_CU_ATTR_MULTIPROCESSOR_COUNT,
      TZ_CU_ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, TZ_CU_ATTR_MEMORY_CLOCK_RATE};
  int values[7];
  if (cu->device_get(&dev, index) != 0 || cu->device_get_name(name, (int)sizeof name, dev) != 0 ||
      cu->device_total_mem(&total, dev) != 0)
    return TZ_E_GPU_FAILED;
  for (int i = 0; i < 6; i++)
    if (cu->device_get_attribute(&values[i], attributes[i], dev) != 0) return TZ_E_GPU_FAILED;
  if (cu->device_get_attribute(&values[6], TZ_CU_ATTR_GLOBAL_MEMORY_BUS_WIDTH, dev) != 0)
    return TZ_E_GPU_FAILED;
  name[sizeof name - 1] = 0;
  size_t len = strlen(name);
  if (len > (size_t)name_cap - 1) len = (size_t)name_cap - 1;
  memcpy(name_out, name, len);
  name_out[len] = 0;
  props_out[0] = (double)total;
  for (int i = 0; i < 7; i++) props_out[i + 1] = values[i];
  return TZ_OK;
}
