/* cuda_driver.c: opens libcuda.so.1 at run time and resolves the driver entry points (see cuda_driver.h). */
#include "cuda_driver.h"

#include <dlfcn.h>
#include <pthread.h>

static tz_cuda_driver driver;
static const tz_cuda_driver *driver_ready;
static pthread_once_t driver_once = PTHREAD_ONCE_INIT;

static int resolve(void *lib, void **slot, const char *name) {
  *slot = dlsym(lib, name);
  return *slot != NULL;
}

static void open_driver(void) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return;
  int ok = resolve(lib, (void **)&driver.init, "cuInit") &&
           resolve(lib, (void **)&driver.device_get_count, "cuDeviceGetCount") &&
           resolve(lib, (void **)&driver.device_get, "cuDeviceGet") &&
           resolve(lib, (void **)&driver.device_get_name, "cuDeviceGetName") &&
           resolve(lib, (void **)&driver.device_total_mem, "cuDeviceTotalMem_v2") &&
           resolve(lib, (void **)&driver.device_get_attribute, "cuDeviceGetAttribute") &&
           resolve(lib, (void **)&driver.primary_ctx_retain, "cuDevicePrimaryCtxRetain") &&
           resolve(lib, (void **)&driver.primary_ctx_release, "cuDevicePrimaryCtxRelease_v2") &&
           resolve(lib, (void **)&driver.ctx_push, "cuCtxPushCurrent_v2") &&
           resolve(lib, (void **)&driver.ctx_pop, "cuCtxPopCurrent_v2") &&
           resolve(lib, (void **)&driver.module_load_data, "cuModuleLoadData") &&
           resolve(lib, (void **)&driver.module_unload, "cuModuleUnload") &&
           resolve(lib, (void **)&driver.module_get_function, "cuModuleGetFunction") &&
           resolve(lib, (void **)&driver.mem_alloc, "cuMemAlloc_v2") &&
           resolve(lib, (void **)&driver.mem_free, "cuMemFree_v2") &&
           resolve(lib, (void **)&driver.mem_host_alloc, "cuMemHostAlloc") &&
           resolve(lib, (void **)&driver.mem_free_host, "cuMemFreeHost") &&
           resolve(lib, (void **)&driver.memcpy_htod_async, "cuMemcpyHtoDAsync_v2") &&
           resolve(lib, (void **)&driver.memcpy_dtoh_async, "cuMemcpyDtoHAsync_v2") &&
           resolve(lib, (void **)&driver.stream_create, "cuStreamCreate") &&
           resolve(lib, (void **)&driver.stream_destroy, "cuStreamDestroy_v2") &&
           resolve(lib, (void **)&driver.stream_synchronize, "cuStreamSynchronize") &&
           resolve(lib, (void **)&driver.event_create, "cuEventCreate") &&
           resolve(lib, (void **)&driver.event_destroy, "cuEventDestroy_v2") &&
           resolve(lib, (void **)&driver.event_record, "cuEventRecord") &&
           resolve(lib, (void **)&driver.event_synchronize, "cuEventSynchronize") &&
           /* _v2 since CUDA 12.8; older drivers only have the first version, same signature. */
           (resolve(lib, (void **)&driver.event_elapsed, "cuEventElapsedTime_v2") ||
            resolve(lib, (void **)&driver.event_elapsed, "cuEventElapsedTime")) &&
           resolve(lib, (void **)&driver.launch_kernel, "cuLaunchKernel");
  if (!ok || driver.init(0) != 0) {
    dlclose(lib);
    return;
  }
  driver_ready = &driver;
}

const tz_cuda_driver *tz_cuda_driver_get(void) {
  pthread_once(&driver_once, open_driver);
  return driver_ready;
}
