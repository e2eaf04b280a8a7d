/*
 * cuda_driver.h: the few CUDA driver API entry points the GPU path uses, resolved at run time from
 * libcuda.so.1 with dlopen, so the library never links the driver and builds without a CUDA toolkit.
 * The types and constants mirror cuda.h (driver API, stable ABI).
 */
#ifndef TZ_CUDA_DRIVER_H
#define TZ_CUDA_DRIVER_H

#include <stddef.h>

typedef int tz_cu_result; /* CUresult: 0 = CUDA_SUCCESS */
typedef int tz_cu_device;
typedef unsigned long long tz_cu_ptr; /* CUdeviceptr */
typedef struct tz_cu_ctx_st *tz_cu_ctx;
typedef struct tz_cu_module_st *tz_cu_module;
typedef struct tz_cu_func_st *tz_cu_func;
typedef struct tz_cu_stream_st *tz_cu_stream;
typedef struct tz_cu_event_st *tz_cu_event;

/* CUdevice_attribute values */
#define TZ_CU_ATTR_MULTIPROCESSOR_COUNT 16
#define TZ_CU_ATTR_MEMORY_CLOCK_RATE 36
#define TZ_CU_ATTR_GLOBAL_MEMORY_BUS_WIDTH 37
#define TZ_CU_ATTR_L2_CACHE_SIZE 38
#define TZ_CU_ATTR_COMPUTE_CAPABILITY_MAJOR 75
#define TZ_CU_ATTR_COMPUTE_CAPABILITY_MINOR 76
#define TZ_CU_ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN 97
#define TZ_CU_STREAM_NON_BLOCKING 1
#define TZ_CU_EVENT_DEFAULT 0

typedef struct {
  tz_cu_result (*init)(unsigned int flags);
  tz_cu_result (*device_get_count)(int *count);
  tz_cu_result (*device_get)(tz_cu_device *device, int ordinal);
  tz_cu_result (*device_get_name)(char *name, int len, tz_cu_device device);
  tz_cu_result (*device_total_mem)(size_t *bytes, tz_cu_device device);
  tz_cu_result (*device_get_attribute)(int *value, int attribute, tz_cu_device device);
  tz_cu_result (*primary_ctx_retain)(tz_cu_ctx *ctx, tz_cu_device device);
  tz_cu_result (*primary_ctx_release)(tz_cu_device device);
  tz_cu_result (*ctx_push)(tz_cu_ctx ctx);
  tz_cu_result (*ctx_pop)(tz_cu_ctx *ctx);
  tz_cu_result (*module_load_data)(tz_cu_module *module, const void *image);
  tz_cu_result (*module_unload)(tz_cu_module module);
  tz_cu_result (*module_get_function)(tz_cu_func *func, tz_cu_module module, const char *name);
  tz_cu_result (*mem_alloc)(tz_cu_ptr *ptr, size_t bytes);
  tz_cu_result (*mem_free)(tz_cu_ptr ptr);
  tz_cu_result (*mem_host_alloc)(void **ptr, size_t bytes, unsigned int flags);
  tz_cu_result (*mem_free_host)(void *ptr);
  tz_cu_result (*memcpy_htod_async)(tz_cu_ptr dst, const void *src, size_t bytes, tz_cu_stream s);
  tz_cu_result (*memcpy_dtoh_async)(void *dst, tz_cu_ptr src, size_t bytes, tz_cu_stream s);
  tz_cu_result (*stream_create)(tz_cu_stream *stream, unsigned int flags);
  tz_cu_result (*stream_destroy)(tz_cu_stream stream);
  tz_cu_result (*stream_synchronize)(tz_cu_stream stream);
  tz_cu_result (*event_create)(tz_cu_event *event, unsigned int flags);
  tz_cu_result (*event_destroy)(tz_cu_event event);
  tz_cu_result (*event_record)(tz_cu_event event, tz_cu_stream stream);
  tz_cu_result (*event_synchronize)(tz_cu_event event);
  tz_cu_result (*event_elapsed)(float *ms, tz_cu_event start, tz_cu_event end);
  tz_cu_result (*launch_kernel)(tz_cu_func f, unsigned int gx, unsigned int gy, unsigned int gz,
                                unsigned int bx, unsigned int by, unsigned int bz, unsigned int smem,
                                tz_cu_stream stream, void **params, void **extra);
} tz_cuda_driver;

/* The driver, opened and initialised once per process; NULL when libcuda.so.1 or a symbol is missing or
 * cuInit fails. Thread-safe. */
const tz_cuda_driver *tz_cuda_driver_get(void);

/* The embedded fatbin (csrc/cuda kernels), or NULL when the library was built without nvcc. */
const unsigned char *tz_cuda_image(void);

#endif
