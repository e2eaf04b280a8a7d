/* cuda_image.c: the kernels' fatbin, when build/cuda.zig embedded one (it then defines
 * TZ_HAVE_CUDA_IMAGE and compiles the generated file that defines tz_cuda_fatbin). */
#include "cuda_driver.h"

#ifdef TZ_HAVE_CUDA_IMAGE
extern const unsigned char tz_cuda_fatbin[];
const unsigned char *tz_cuda_image(void) { return tz_cuda_fatbin; }
#else
const unsigned char *tz_cuda_image(void) { return NULL; }
#endif
