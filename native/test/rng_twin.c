/*
 * rng_twin SEED PURPOSE SUBSTREAM FIRST COUNT
 *
 * Prints COUNT lines: the IEEE-754 bit pattern, as 16 hex digits, of
 * msense_normal(SEED, PURPOSE, SUBSTREAM, FIRST + i) for i = 0 .. COUNT-1. Numbers are parsed
 * with strtoull base 0 (decimal, or hex with a 0x prefix). Used by GaussianStreamCTwinTest to
 * compare the C twin with the Java generator bit for bit.
 *
 * Before printing it checks the Philox4x32-10 known-answer vectors (exit status 4 on mismatch)
 * and that msense_normal_pair agrees with msense_normal on every printed pair (exit status 3).
 *
 * Build: gcc -std=c11 -O2 -ffp-contract=off -o rng_twin rng_twin.c -lm
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/msense_rng.h"

static int parse_u64(const char *text, const char *name, unsigned long long *value)
{
    char *end = NULL;
    errno = 0;
    if (text[0] == '-') {
        fprintf(stderr, "rng_twin: %s must be a non-negative integer, got '%s'\n", name, text);
        return 0;
    }
    *value = strtoull(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "rng_twin: %s is not an unsigned 64-bit integer: '%s'\n", name, text);
        return 0;
    }
    return 1;
}

static int check_philox(void)
{
    /* Random123 kat_vectors, philox4x32 with 10 rounds: counter[4], key[2], expected[4]. */
    static const unsigned int kat[3][10] = {
        {0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
         0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
        {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
         0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
        {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
         0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u},
    };
    int i, j;
    for (i = 0; i < 3; i++) {
        unsigned int out[4];
        msense_philox4x32_10(kat[i][0], kat[i][1], kat[i][2], kat[i][3], kat[i][4], kat[i][5], out);
        for (j = 0; j < 4; j++) {
            if (out[j] != kat[i][6 + j]) {
                fprintf(stderr, "rng_twin: Philox known-answer vector %d word %d: got %08x, expected %08x\n",
                        i, j, out[j], kat[i][6 + j]);
                return 0;
            }
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long long seed, purpose, substream, first, count, i;
    if (argc != 6) {
        fprintf(stderr, "usage: rng_twin SEED PURPOSE SUBSTREAM FIRST COUNT\n");
        return 2;
    }
    if (!parse_u64(argv[1], "SEED", &seed) || !parse_u64(argv[2], "PURPOSE", &purpose)
        || !parse_u64(argv[3], "SUBSTREAM", &substream) || !parse_u64(argv[4], "FIRST", &first)
        || !parse_u64(argv[5], "COUNT", &count)) {
        return 2;
    }
    if (purpose > 0xFFFFFFFFull || substream > 0xFFFFFFFFull) {
        fprintf(stderr, "rng_twin: PURPOSE and SUBSTREAM must fit in 32 bits\n");
        return 2;
    }
    if (!check_philox()) {
        return 4;
    }
    for (i = 0; i < count; i++) {
        unsigned long long index = first + i;
        double z = msense_normal(seed, (unsigned int)purpose, (unsigned int)substream, index);
        msense_normal_pair_t pair = msense_normal_pair(seed, (unsigned int)purpose,
                                                       (unsigned int)substream, index >> 1);
        double same = (index & 1ull) == 0 ? pair.z0 : pair.z1;
        if (msense_double_bits(same) != msense_double_bits(z)) {
            fprintf(stderr, "rng_twin: msense_normal_pair disagrees with msense_normal at index %llu\n",
                    index);
            return 3;
        }
        printf("%016llx\n", msense_double_bits(z));
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
