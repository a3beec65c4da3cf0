package org.msense.cli;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The streaming-read loop of {@link ReadBandwidth} with the Vector API: four independent vector sums. */
final class VectorRead {
    private static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorRead() {
    }

    static long sum(long[] v, int from, int to) {
        LongVector a = LongVector.zero(S);
        LongVector b = a;
        LongVector c = a;
        LongVector d = a;
        int i = from;
        for (; i + 4 * L <= to; i += 4 * L) {
            a = a.add(LongVector.fromArray(S, v, i));
            b = b.add(LongVector.fromArray(S, v, i + L));
            c = c.add(LongVector.fromArray(S, v, i + 2 * L));
            d = d.add(LongVector.fromArray(S, v, i + 3 * L));
        }
        long s = a.add(b).add(c).add(d).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += v[i];
        }
        return s;
    }
}
