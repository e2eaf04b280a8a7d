/*
 * lz4_rules.h: hand-built LZ4 blocks on the edges where liblz4 and the GPU path's decoder once disagreed
 * (issue 14), each with the one answer both paths now give. Header-only, shared by the native suite (CPU
 * path) and tests/gpu_native (the GPU step and host side).
 *
 * Every block rebuilds (or fails to rebuild) a page that is one literal 'a' followed by a match of offset
 * `offset` running to `match_end`, then `tail` literals 'z'; `empty_token` appends a token with no
 * literals after the match.
 */
#ifndef TZ_TEST_LZ4_RULES_H
#define TZ_TEST_LZ4_RULES_H

#include <stdint.h>
#include <string.h>

typedef struct lz4_rule_case {
    const char *name;
    int32_t offset, match_end, tail, empty_token;
    int decodes; /* the rule: 1 = rebuilds the page, 0 = TZ_E_CORRUPTED */
} lz4_rule_case;

static const lz4_rule_case lz4_rule_cases[] = {
    {"a valid block: the last match ends 5 bytes before the end", 1, 4091, 5, 0, 1},
    {"a match offset of 0", 0, 4091, 5, 0, 0},
    {"a last match reaching byte 4096, then an empty literal token", 1, 4096, 0, 1, 0},
    {"a last match reaching byte 4096 with nothing after it", 1, 4096, 0, 0, 0},
    {"a match ending inside the last 5 bytes", 1, 4092, 4, 0, 0},
    {"a match ending at byte 4095, then one literal", 1, 4095, 1, 0, 0},
};
#define LZ4_RULE_CASES (sizeof lz4_rule_cases / sizeof lz4_rule_cases[0])
/* Big enough for every case (the page itself plus a few header bytes). */
#define LZ4_RULE_BLOCK_MAX 64

/* The block of case c in out; returns its length. */
static inline int32_t lz4_rule_block(const lz4_rule_case *c, uint8_t *out) {
    int32_t n = 0;
    int32_t extra = c->match_end - 1 - 4 - 15; /* match length past MINMATCH and the token's 15 */
    out[n++] = 0x1F;                           /* 1 literal, match length 15 + extra */
    out[n++] = 'a';
    out[n++] = (uint8_t)c->offset;
    out[n++] = (uint8_t)(c->offset >> 8);
    for (; extra >= 255; extra -= 255) out[n++] = 255;
    out[n++] = (uint8_t)extra;
    if (c->tail > 0 || c->empty_token) {
        out[n++] = (uint8_t)(c->tail << 4);
        memset(out + n, 'z', (size_t)c->tail);
        n += c->tail;
    }
    return n;
}

/* The page a decodable case rebuilds. */
static inline void lz4_rule_page(const lz4_rule_case *c, uint8_t *page) {
    memset(page, 'a', (size_t)c->match_end);
    memset(page + c->match_end, 'z', (size_t)(4096 - c->match_end));
}

#endif
