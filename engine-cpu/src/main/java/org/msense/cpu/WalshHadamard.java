package org.msense.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast Walsh–Hadamard transform (FWHT) of length N = 2^p, in place, for a batch of vectors:
 * x ← s·H_N x with H_N the unnormalized Sylvester–Hadamard matrix (H_1 = [1], H_{2n} = [[H_n, H_n],
 * [H_n, −H_n]], entries (H_N)_{jk} = (−1)^{popcount(j AND k)}) and s a scale (s = 1/√N gives the
 * orthonormal, symmetric and involutory transform: (H_N/√N)² = I).
 *
 * <p>Cache blocking: the vector is read as an R × C row-major matrix with C = min(N, {@value #ROW}) (one
 * row fits the first-level cache). The butterflies of stride h &lt; C stay inside a row: pass 1 transforms
 * each row in turn, two strides per sweep (radix 4). The butterflies of stride h ≥ C combine rows: pass 2
 * takes strips of {@value #STRIP} adjacent columns (R × STRIP values, in the second-level cache for
 * N ≤ 2^21) and applies all log2 R strides to a strip before moving on. So the vector crosses memory twice
 * instead of p times. Butterflies of stride ≥ the vector length are SIMD with the JDK Vector API; the two
 * smallest strides are scalar radix-4.
 *
 * <p>Parallel over (vector, row) units in pass 1 and (vector, strip) units in pass 2; the arithmetic of
 * each element is a fixed sequence that does not depend on the split, so results are bitwise
 * deterministic whatever the number of threads. Needs {@code jdk.incubator.vector}.
 */
final class WalshHadamard {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();
    /** Row length of pass 1 (32 KiB of doubles). */
    static final int ROW = 1 << 12;
    /** Columns per strip of pass 2 (a multiple of every SIMD width). */
    static final int STRIP = 32;
    /** Elements per parallel chunk below which a transform stays on one thread. */
    private static final int MIN_WORK = 1 << 15;

    private final ParallelLoops loops;

    WalshHadamard(ParallelLoops loops) {
        this.loops = loops;
    }

    /**
     * x_b ← scale·H_N x_b for every vector of the batch, in place. Modifies every {@code x[b]} in
     * [0, length).
     *
     * @param x      the vectors, each of length ≥ {@code length}
     * @param length N, a power of two ≥ 1
     * @param scale  s (1/√N for the orthonormal transform)
     * @throws IllegalArgumentException if length is not a power of two or a vector is shorter
     */
    void transform(double[][] x, int length, double scale) {
        if (length < 1 || Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("the Walsh–Hadamard length must be a power of two, got " + length);
        }
        for (double[] v : x) {
            if (v.length < length) {
                throw new IllegalArgumentException("a vector of length " + v.length + " is shorter than N = " + length);
            }
        }
        int c = Math.min(length, ROW);
        int rows = length / c;
        int batch = x.length;
        int units1 = batch * rows;
        boolean last1 = rows == 1;
        loops.forChunks(units1, Math.max(1, MIN_WORK / c), (chunk, from, to) -> {
            for (int u = from; u < to; u++) {
                rowTransform(x[u / rows], (u % rows) * c, c, last1 ? scale : 1.0);
            }
        });
        if (rows > 1) {
            int strips = c / STRIP;
            loops.forChunks(batch * strips, Math.max(1, MIN_WORK / (STRIP * rows)), (chunk, from, to) -> {
                for (int u = from; u < to; u++) {
                    columnTransform(x[u / strips], (u % strips) * STRIP, c, rows, scale);
                }
            });
        }
    }

    /** The orthonormal transform x_b ← H_N x_b/√N. Modifies x as {@link #transform}. */
    void orthonormal(double[][] x, int length) {
        transform(x, length, 1.0 / Math.sqrt(length));
    }

    /** In-cache FWHT of v[off … off + n), n a power of two, then scaled by s. */
    static void rowTransform(double[] v, int off, int n, double s) {
        int h = 1;
        if (n >= 4) {
            // strides 1 and 2 together: 4-point transforms
            for (int j = off; j < off + n; j += 4) {
                double a = v[j];
                double b = v[j + 1];
                double c = v[j + 2];
                double d = v[j + 3];
                double ab = a + b;
                double amb = a - b;
                double cd = c + d;
                double cmd = c - d;
                v[j] = ab + cd;
                v[j + 1] = amb + cmd;
                v[j + 2] = ab - cd;
                v[j + 3] = amb - cmd;
            }
            h = 4;
        }
        // scalar strides below the vector length
        for (; h < n && h < L; h <<= 1) {
            for (int blk = off; blk < off + n; blk += 2 * h) {
                for (int j = blk; j < blk + h; j++) {
                    double a = v[j];
                    double b = v[j + h];
                    v[j] = a + b;
                    v[j + h] = a - b;
                }
            }
        }
        // SIMD strides, two per sweep (radix 4): h and 2h
        for (; 4 * h <= n; h <<= 2) {
            for (int blk = off; blk < off + n; blk += 4 * h) {
                for (int j = blk; j < blk + h; j += L) {
                    DoubleVector a = DoubleVector.fromArray(D, v, j);
                    DoubleVector b = DoubleVector.fromArray(D, v, j + h);
                    DoubleVector c = DoubleVector.fromArray(D, v, j + 2 * h);
                    DoubleVector d = DoubleVector.fromArray(D, v, j + 3 * h);
                    DoubleVector ab = a.add(b);
                    DoubleVector amb = a.sub(b);
                    DoubleVector cd = c.add(d);
                    DoubleVector cmd = c.sub(d);
                    ab.add(cd).intoArray(v, j);
                    amb.add(cmd).intoArray(v, j + h);
                    ab.sub(cd).intoArray(v, j + 2 * h);
                    amb.sub(cmd).intoArray(v, j + 3 * h);
                }
            }
        }
        if (h < n) {
            // one radix-2 SIMD stride left
            for (int j = off; j < off + h; j += L) {
                DoubleVector a = DoubleVector.fromArray(D, v, j);
                DoubleVector b = DoubleVector.fromArray(D, v, j + h);
                a.add(b).intoArray(v, j);
                a.sub(b).intoArray(v, j + h);
            }
        }
        if (s != 1.0) {
            DoubleVector sv = DoubleVector.broadcast(D, s);
            int j = off;
            for (; j + L <= off + n; j += L) {
                DoubleVector.fromArray(D, v, j).mul(sv).intoArray(v, j);
            }
            for (; j < off + n; j++) {
                v[j] *= s;
            }
        }
    }

    /**
     * The butterflies across rows for columns [col, col + STRIP) of v read as rows × c (row-major):
     * strides c, 2c, …, (rows/2)·c, two per sweep, then the scale. Modifies those columns of v.
     */
    private static void columnTransform(double[] v, int col, int c, int rows, double s) {
        int h = 1;
        for (; 4 * h <= rows; h <<= 2) {
            for (int blk = 0; blk < rows; blk += 4 * h) {
                for (int r = blk; r < blk + h; r++) {
                    int p0 = r * c + col;
                    int p1 = p0 + h * c;
                    int p2 = p1 + h * c;
                    int p3 = p2 + h * c;
                    for (int k = 0; k < STRIP; k += L) {
                        DoubleVector a = DoubleVector.fromArray(D, v, p0 + k);
                        DoubleVector b = DoubleVector.fromArray(D, v, p1 + k);
                        DoubleVector cc = DoubleVector.fromArray(D, v, p2 + k);
                        DoubleVector d = DoubleVector.fromArray(D, v, p3 + k);
                        DoubleVector ab = a.add(b);
                        DoubleVector amb = a.sub(b);
                        DoubleVector cd = cc.add(d);
                        DoubleVector cmd = cc.sub(d);
                        ab.add(cd).intoArray(v, p0 + k);
                        amb.add(cmd).intoArray(v, p1 + k);
                        ab.sub(cd).intoArray(v, p2 + k);
                        amb.sub(cmd).intoArray(v, p3 + k);
                    }
                }
            }
        }
        boolean scaled = false;
        if (h < rows) {
            DoubleVector sv = DoubleVector.broadcast(D, s);
            for (int r = 0; r < h; r++) {
                int p0 = r * c + col;
                int p1 = p0 + h * c;
                for (int k = 0; k < STRIP; k += L) {
                    DoubleVector a = DoubleVector.fromArray(D, v, p0 + k);
                    DoubleVector b = DoubleVector.fromArray(D, v, p1 + k);
                    a.add(b).mul(sv).intoArray(v, p0 + k);
                    a.sub(b).mul(sv).intoArray(v, p1 + k);
                }
            }
            scaled = true;
        }
        if (!scaled && s != 1.0) {
            DoubleVector sv = DoubleVector.broadcast(D, s);
            for (int r = 0; r < rows; r++) {
                int p = r * c + col;
                for (int k = 0; k < STRIP; k += L) {
                    DoubleVector.fromArray(D, v, p + k).mul(sv).intoArray(v, p + k);
                }
            }
        }
    }
}
