/* Keeps the library mapped until the process exits. Pool workers outlive the calls that started them
 * (an idle worker lingers a second before it leaves, and a compressor dropped without tz_compressor_free
 * keeps its pool): a host that dlclose()s the library under them, as Deno does with each test module's
 * libraries, would leave those threads running unmapped code. */
#include <dlfcn.h>
#include <stddef.h>

__attribute__((constructor)) static void tz_pin_library(void) {
    Dl_info self;
    if (dladdr((void *)tz_pin_library, &self) == 0 || self.dli_fname == NULL) return;
    /* RTLD_NOLOAD: no second load, only the NODELETE flag promoted onto the loaded copy. */
    (void)dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}
