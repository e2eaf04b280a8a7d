/* The native test runner: `native-tests CORPUS_DIR`; prints `native: N passed, N failed`. */
#include <stdio.h>

#include "check.h"
#include "fixtures.h"

static void corpus_loads(void) { CHECK(tz_corpus.total_pages > 0); }

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    corpus_load(argv[1], &tz_corpus);
    RUN(corpus_loads);
    tests_abi();
    tests_scan();
    tests_codec();
    tests_batch();
    tests_corrupt();
    tests_handles();
    tests_decoder_rules();
    tests_pool();
    tests_zs_pool();
    tests_store();
    tests_dictionary();
    tests_store_postprocess();
    tests_store_writeback();
    corpus_free(&tz_corpus);
    return tz_test_summary();
}
