/* `backend-check NAME`: exits 0 when the library supports backend NAME and picks it on its own, so the
 * native suite run after it compares that backend with scalar (zig build test-release, under qemu-user
 * for arm64). */
#include <stdio.h>
#include <string.h>

#include "trueno_zram.h"

static const char *const names[] = {"scalar", "avx2", "avx512", "neon"};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s scalar|avx2|avx512|neon\n", argv[0]);
        return 2;
    }
    int32_t wanted = -1;
    for (int32_t b = TZ_BACKEND_SCALAR; b <= TZ_BACKEND_NEON; b++) {
        if (strcmp(argv[1], names[b]) == 0) wanted = b;
    }
    if (wanted < 0) {
        fprintf(stderr, "unknown backend %s\n", argv[1]);
        return 2;
    }
    int32_t best = tz_backend_best();
    if (tz_backend_supported(wanted) != 1 || best != wanted) {
        fprintf(stderr, "backend %s: supported %d, best is %s\n", argv[1], tz_backend_supported(wanted),
                best >= 0 && best <= TZ_BACKEND_NEON ? names[best] : "?");
        return 1;
    }
    printf("backend %s: supported and chosen (abi %d)\n", argv[1], tz_abi_version());
    return 0;
}
