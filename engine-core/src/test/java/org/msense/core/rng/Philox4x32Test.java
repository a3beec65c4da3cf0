package org.msense.core.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Philox4x32Test {

    /*
     * Known-answer vectors of the Random123 distribution (D. E. Shaw Research), file kat_vectors
     * (examples/kat_vectors in older releases, tests/kat_vectors in later ones), the three
     * "philox4x32 10" lines. Columns: counter (4 words), key (2 words), expected output (4 words).
     *
     * philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
     * philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
     * philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
     */
    private static final int[][] KAT = {
        {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
            0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
            0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
            0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
    };

    @Test
    void matchesRandom123KnownAnswerVectors() {
        for (int[] v : KAT) {
            int[] out = new int[4];
            Philox4x32.block(v[0], v[1], v[2], v[3], v[4], v[5], out);
            int[] expected = {v[6], v[7], v[8], v[9]};
            assertArrayEquals(expected, out, () -> String.format(
                    "counter %08x %08x %08x %08x key %08x %08x", v[0], v[1], v[2], v[3], v[4], v[5]));
        }
    }

    @Test
    void writesOnlyTheFirstFourWordsOfALongerArray() {
        int[] out = {1, 2, 3, 4, 0x5eed, 0x5eed};
        Philox4x32.block(0, 0, 0, 0, 0, 0, out);
        assertEquals(0x6627e8d5, out[0]);
        assertEquals(0x9b00dbd8, out[3]);
        assertEquals(0x5eed, out[4]);
        assertEquals(0x5eed, out[5]);
    }

    @Test
    void isAPureFunctionOfCounterAndKey() {
        int[] a = new int[4];
        int[] b = new int[4];
        Philox4x32.block(7, 8, 9, 10, 11, 12, a);
        Philox4x32.block(0, 0, 0, 0, 0, 0, b);
        Philox4x32.block(7, 8, 9, 10, 11, 12, b);
        assertArrayEquals(a, b);
    }

    @Test
    void everyInputWordInfluencesTheOutput() {
        int[] base = new int[4];
        int[] args = {0x01234567, 0x89abcdef, 3, 5, 0xdeadbeef, 0x0badf00d};
        Philox4x32.block(args[0], args[1], args[2], args[3], args[4], args[5], base);
        for (int word = 0; word < args.length; word++) {
            int[] changed = args.clone();
            changed[word] ^= 1;
            int[] out = new int[4];
            Philox4x32.block(changed[0], changed[1], changed[2], changed[3], changed[4], changed[5], out);
            int flipped = 0;
            for (int i = 0; i < 4; i++) {
                assertNotEquals(base[i], out[i], "input word " + word + ", output word " + i);
                flipped += Integer.bitCount(base[i] ^ out[i]);
            }
            // Avalanche: a one-bit change flips about half of the 128 output bits
            // (binomial(128, 1/2): mean 64, sd 5.7; the bounds are 5.6 sd away).
            assertTrue(flipped > 32 && flipped < 96, "input word " + word + " flipped " + flipped + " bits");
        }
    }

    @Test
    void rejectsNullOrShortOutput() {
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Philox4x32.block(0, 0, 0, 0, 0, 0, null));
        assertTrue(npe.getMessage().contains("out"));
        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                () -> Philox4x32.block(0, 0, 0, 0, 0, 0, new int[3]));
        assertTrue(iae.getMessage().contains("out"));
    }
}
