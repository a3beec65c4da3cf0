package org.msense.lab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** Values that stress exactness: signed zero, subnormals, extremes, non-finite and inexact decimals. */
    static final double[] SPECIAL = {0.1, -2.5, 1.0 / 3, -0.0, 0.0, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, -1e-300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    // ----- header layout, checked against the .npy format specification -----

    @Test
    void headerOfAMatrixIsTheSpecifiedBytes() throws IOException {
        Path f = dir.resolve("m.npy");
        Npy.write(f, new double[12], 3, 4);
        byte[] bytes = Files.readAllBytes(f);
        // Magic "\x93NUMPY", version 1.0, little-endian uint16 header length, the dict, spaces, '\n';
        // 10 + 59 (dict) + 58 (spaces) + 1 ('\n') = 128, a multiple of 64, so HEADER_LEN = 118 = 0x76.
        byte[] preamble = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0};
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }" + " ".repeat(58) + "\n";
        assertArrayEquals(preamble, Arrays.copyOfRange(bytes, 0, 10));
        assertEquals(dict, new String(bytes, 10, 118, StandardCharsets.ISO_8859_1));
        assertEquals(128 + 12 * 8, bytes.length);
        for (int i = 128; i < bytes.length; i++) {
            assertEquals(0, bytes[i], "zeros are stored as zero bytes");
        }
    }

    @Test
    void headerOfAFloatVectorUsesTheOneTupleSpelling() throws IOException {
        Path f = dir.resolve("v.npy");
        Npy.write(f, new float[] {1.5f, -2f, 0f, 3f, 4f}, 5);
        byte[] bytes = Files.readAllBytes(f);
        // 10 + 57 + 60 + 1 = 128
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0}, Arrays.copyOfRange(bytes, 0, 10));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + " ".repeat(60) + "\n",
                new String(bytes, 10, 118, StandardCharsets.ISO_8859_1));
        assertEquals(128 + 5 * 4, bytes.length);
        // 1.5f = 0x3FC00000, little-endian
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F}, Arrays.copyOfRange(bytes, 128, 132));
    }

    @Test
    void headerOfAScalarHasAnEmptyShape() throws IOException {
        Path f = dir.resolve("s.npy");
        Npy.write(f, new double[] {2.5}); // no dimensions: a 0-d array
        byte[] bytes = Files.readAllBytes(f);
        // 10 + 55 + 62 + 1 = 128
        assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + " ".repeat(62) + "\n",
                new String(bytes, 10, 118, StandardCharsets.ISO_8859_1));
        // 2.5 = 0x4004000000000000, little-endian
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 4, 0x40}, Arrays.copyOfRange(bytes, 128, 136));
    }

    // ----- round trips -----

    @Test
    void doublesRoundTripInRanksZeroToThree() throws IOException {
        double[] d24 = new double[24];
        for (int i = 0; i < d24.length; i++) {
            d24[i] = i * 0.1 - 1.0 / 3;
        }
        assertRoundTrip(new double[] {7.25}, new int[] {});
        assertRoundTrip(new double[] {7.25}, new int[] {1});
        assertRoundTrip(new double[0], new int[] {0});
        assertRoundTrip(new double[0], new int[] {3, 0, 2});
        assertRoundTrip(SPECIAL, new int[] {SPECIAL.length});
        assertRoundTrip(Arrays.copyOf(d24, 12), new int[] {3, 4});
        assertRoundTrip(d24, new int[] {2, 3, 4});
    }

    private void assertRoundTrip(double[] data, int[] shape) throws IOException {
        Path f = dir.resolve("rt.npy");
        Npy.write(f, data, shape);
        NpyArray a = Npy.read(f);
        assertEquals("<f8", a.dtype());
        assertArrayEquals(shape, a.shape());
        assertEquals(shape.length, a.rank());
        assertEquals(data.length, a.size());
        assertBitsEqual(data, a.data());
        assertEquals(f, a.source());
    }

    @Test
    void floatsRoundTripExactlyAsDoubles() throws IOException {
        float[] data = new float[SPECIAL.length];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) SPECIAL[i];
        }
        Path f = dir.resolve("f.npy");
        Npy.write(f, data, 3, 2, 2);
        NpyArray a = Npy.read(f);
        assertEquals("<f4", a.dtype());
        assertArrayEquals(new int[] {3, 2, 2}, a.shape());
        for (int i = 0; i < data.length; i++) {
            assertEquals(Double.doubleToRawLongBits(data[i]), Double.doubleToRawLongBits(a.data()[i]), "element " + i);
        }
    }

    @Test
    void arraysLargerThanOneChunkRoundTrip() throws IOException {
        int n = 700_000; // several 1 MiB chunks and a partial one, for both element sizes
        double[] d = new double[n];
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.sin(i) * 1e3 + i;
            f[i] = (float) d[i];
        }
        Path pd = dir.resolve("big.npy");
        Npy.write(pd, d, 7, 100_000, 1);
        NpyArray rd = Npy.read(pd);
        assertBitsEqual(d, rd.data());
        assertEquals(128 + 8L * n, Files.size(pd));
        Path pf = dir.resolve("bigf.npy");
        Npy.write(pf, f, n);
        double[] rf = Npy.read(pf).data();
        for (int i = 0; i < n; i += 997) {
            assertEquals((double) f[i], rf[i]);
        }
        assertEquals((double) f[n - 1], rf[n - 1]);
    }

    @Test
    void writingReplacesAnExistingFile() throws IOException {
        Path f = dir.resolve("x.npy");
        Npy.write(f, new double[] {1, 2, 3, 4}, 2, 2);
        Npy.write(f, new double[] {9}, 1);
        NpyArray a = Npy.read(f);
        assertArrayEquals(new int[] {1}, a.shape());
        assertArrayEquals(new double[] {9}, a.data());
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count(), "no temporary file is left beside the array");
        }
    }

    @Test
    void shapeThatDoesNotMatchTheDataIsRejectedAndNothingIsWritten() {
        Path f = dir.resolve("bad.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(f, new double[11], 3, 4));
        assertTrue(e.getMessage().contains("(3, 4)") && e.getMessage().contains("12")
                && e.getMessage().contains("11"), e.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(f, new float[0], -1, 0));
        assertTrue(neg.getMessage().contains("negative"), neg.getMessage());
        assertFalse(Files.exists(f));
    }

    // ----- reading what other writers produce (hand-built per the specification) -----

    @Test
    void readsBigEndianDoublesAndFloats() throws IOException {
        ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(-1.25).putDouble(1e300);
        NpyArray d = Npy.read(npy("be8.npy", 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be.array()));
        assertEquals(">f8", d.dtype());
        assertArrayEquals(new double[] {-1.25, 1e300}, d.data());
        ByteBuffer be4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(0.1f).putFloat(-3f);
        NpyArray f = Npy.read(npy("be4.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", be4.array()));
        assertArrayEquals(new double[] {0.1f, -3f}, f.data());
        assertArrayEquals(new int[] {1, 2}, f.shape());
    }

    @Test
    void nativeOrderDescrsAreReadInThisMachinesByteOrder() throws IOException {
        ByteBuffer nat = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putDouble(6.5);
        for (String descr : new String[] {"=f8", "|f8", "f8", "<d"}) {
            ByteBuffer data = descr.startsWith("<") ? ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(6.5) : nat;
            NpyArray a = Npy.read(npy("n.npy", 1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }",
                    data.array()));
            assertArrayEquals(new double[] {6.5}, a.data(), descr);
            assertEquals(descr, a.dtype());
        }
    }

    @Test
    void readsVersionTwoAndThreeHeadersAndOldStyleShapes() throws IOException {
        byte[] data = le(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
        NpyArray v2 = Npy.read(npy("v2.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data));
        assertArrayEquals(new int[] {2, 3}, v2.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, v2.data());
        // Version 3.0 allows UTF-8 in the header (here in a padding-free, double-quoted spelling).
        NpyArray v3 = Npy.read(npy("v3.npy", 3, "{\"shape\": (3, 2), \"fortran_order\": False, \"descr\": \"<f8\"}", data));
        assertArrayEquals(new int[] {3, 2}, v3.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, v3.data());
        // Headers written under Python 2 spell the dimensions as longs.
        NpyArray py2 = Npy.read(npy("py2.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6L,), }", data));
        assertArrayEquals(new int[] {6}, py2.shape());
    }

    @Test
    void fortranOrderWithTheSameElementOrderIsAccepted() throws IOException {
        NpyArray a = Npy.read(npy("col.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 1), }", le(1, 2, 3)));
        assertArrayEquals(new double[] {1, 2, 3}, a.data());
    }

    @Test
    void trailingBytesAfterTheDataAreIgnored() throws IOException {
        byte[] data = Arrays.copyOf(le(4, 5), 16 + 3);
        assertArrayEquals(new double[] {4, 5},
                Npy.read(npy("t.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data)).data());
    }

    // ----- every error path -----

    @Test
    void missingFileSaysNotFound() {
        Path f = dir.resolve("nothing-here.npy");
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(f));
        assertEquals(f + " not found", e.getMessage());
        assertEquals(f, e.path());
    }

    @Test
    void directoryIsNotAnArray() {
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void fortranOrderIsRejectedWithTheFix() throws IOException {
        Path f = npy("F.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", le(1, 2, 3, 4, 5, 6));
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(f));
        assertEquals(f + " is stored in Fortran order; save it with numpy.ascontiguousarray(a)", e.getMessage());
    }

    @Test
    void otherDtypesAreNamedWithTheConversionToUse() throws IOException {
        String[][] cases = {
            {"'<i8'", "64-bit integers"}, {"'<c16'", "128-bit complex"}, {"'|O'", "Python objects"},
            {"'<f2'", "16-bit floats"}, {"'|b1'", "booleans"}, {"[('x', '<f8'), ('y', '<f8')]", "structured"},
        };
        for (String[] c : cases) {
            Path f = npy("X_star.npy", 1, "{'descr': " + c[0] + ", 'fortran_order': False, 'shape': (2, 2), }", new byte[64]);
            NpyException e = assertThrows(NpyException.class, () -> Npy.read(f), c[0]);
            String m = e.getMessage();
            assertTrue(m.contains("X_star.npy"), m);
            assertTrue(m.contains(c[0]), "names the dtype found: " + m);
            assertTrue(m.contains(c[1]), m);
            assertTrue(m.contains("a.astype(numpy.float64)"), "says what to do: " + m);
        }
    }

    @Test
    void badMagicEmptyFilesAndZipArchivesAreNotNpy() throws IOException {
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "x,y\n1,2\n");
        assertMessage(text, "is not a .npy file");
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertMessage(empty, "is empty");
        Path zip = dir.resolve("arrays.npz");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
        assertMessage(zip, "zip archive");
        Path shortMagic = dir.resolve("short.npy");
        Files.write(shortMagic, new byte[] {(byte) 0x93, 'N', 'U'});
        assertMessage(shortMagic, "is not a .npy file");
    }

    @Test
    void unknownFormatVersionIsNamed() throws IOException {
        Path f = npy("v4.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le(1));
        byte[] b = Files.readAllBytes(f);
        b[6] = 4;
        Files.write(f, b);
        assertMessage(f, "version 4.0");
    }

    @Test
    void truncatedDataSaysHowMuchIsMissing() throws IOException {
        Path f = npy("cut.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", new byte[80]);
        String m = assertMessage(f, "truncated");
        assertTrue(m.contains("(3, 4)") && m.contains("96 bytes") && m.contains("only 80"), m);
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path f = npy("cuth.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", le(1));
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, 50));
        assertMessage(f, "truncated");
        Files.write(f, Arrays.copyOf(b, 9));
        assertMessage(f, "truncated");
    }

    @Test
    void shapesTooLargeForAJavaArrayAreRejected() throws IOException {
        assertMessage(npy("huge.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", le(1)),
                "Java array");
        assertMessage(npy("huge1.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3000000000,), }", le(1)),
                "Java array");
        assertMessage(npy("huge2.npy", 1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }", le(1)), "Java array");
        // a zero dimension makes it empty, however long the others are
        NpyArray empty = Npy.read(npy("empty0.npy", 1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000, 0), }", new byte[0]));
        assertEquals(0, empty.size());
    }

    @Test
    void malformedHeadersAreExplained() throws IOException {
        String[][] cases = {
            {"{'descr': '<f8', 'fortran_order': False, }", "'shape'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "'extra'"},
            {"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", "fortran_order"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': 2, }", "'shape' is not a tuple"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", "negative"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), ", "ends too early"},
            {"['descr', '<f8']", "expected '{'"},
        };
        for (String[] c : cases) {
            String m = assertMessage(npy("h.npy", 1, c[0], le(1, 2)), "malformed");
            assertTrue(m.contains(c[1]), m);
        }
    }

    // ----- NpyArray -----

    @Test
    void requireShapeExplainsTheMismatch() throws IOException {
        Path f = dir.resolve("A.npy");
        Npy.write(f, new double[9 * 12], 9, 12);
        NpyArray a = Npy.read(f);
        NpyException e = assertThrows(NpyException.class, () -> a.requireShape("m × n1·n2", 10, 12));
        assertEquals(f + " has shape (9, 12) but (10, 12) is expected (m × n1·n2)", e.getMessage());
        assertEquals(f, e.path());
        assertSame(a, a.requireShape("m × n1·n2", 9, 12));
        NpyException r = assertThrows(NpyException.class, () -> a.requireShape("y, (m,)", 9));
        assertTrue(r.getMessage().endsWith("has shape (9, 12) but (9,) is expected (y, (m,))"), r.getMessage());
    }

    @Test
    void requireRankExplainsTheMismatch() throws IOException {
        Path f = dir.resolve("X_star.npy");
        Npy.write(f, new double[12], 12);
        NpyArray a = Npy.read(f);
        NpyException e = assertThrows(NpyException.class, () -> a.requireRank("X*, (n1, n2)", 2));
        assertEquals(f + " has shape (12,), 1 dimension, but 2 dimensions are expected (X*, (n1, n2))", e.getMessage());
        assertSame(a, a.requireRank("y", 1));
    }

    @Test
    void arrayAccessorsAndChecks() {
        NpyArray a = new NpyArray("<f8", new int[] {2, 3}, new double[6]);
        assertEquals(2, a.dim(0));
        assertEquals(3, a.dim(1));
        assertEquals(6, a.size());
        assertEquals(null, a.source());
        IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> a.dim(2));
        assertTrue(oob.getMessage().contains("(2, 3)"), oob.getMessage());
        a.shape()[0] = 99;
        assertEquals(2, a.dim(0), "shape() is a copy");
        NpyException e = assertThrows(NpyException.class, () -> a.requireShape("q", 3, 2));
        assertTrue(e.getMessage().startsWith("the array has shape (2, 3)"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new NpyArray("<f8", new int[] {2, 2}, new double[5]));
        assertTrue(bad.getMessage().contains("(2, 2)"), bad.getMessage());
        assertEquals(new NpyArray("<f8", new int[] {2, 3}, new double[6]), a);
        assertEquals(new NpyArray("<f8", new int[] {2, 3}, new double[6]).hashCode(), a.hashCode());
        assertNotEquals(new NpyArray("<f8", new int[] {3, 2}, new double[6]), a);
        assertEquals(1, new NpyArray("<f8", new int[0], new double[] {4}).size());
        assertEquals("NpyArray[<f8 (2, 3)]", a.toString());
    }

    // ----- NumPy interop -----

    /** The values in Python float syntax; Python and Java both round decimal literals correctly. */
    static final String PY_VALUES = "[0.1, -2.5, 1/3, -0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,"
            + " -1e-300, float('nan'), float('inf'), float('-inf')]";

    @Test
    void readsWhatNumpyWrites() throws Exception {
        PythonRunner.assumeNumpy();
        PythonRunner.run(dir, String.join("\n",
                "import numpy as np",
                "v = np.array(" + PY_VALUES + ")",
                "np.save('d.npy', v.reshape(3, 4))",
                "np.save('be.npy', v.astype('>f8').reshape(2, 3, 2))",
                "np.save('f.npy', v.astype(np.float32))",
                "np.save('bf.npy', v.astype('>f4'))",
                "np.save('s.npy', np.float64(2.5))",
                "np.save('e.npy', np.zeros((0,)))",
                "np.save('i.npy', np.arange(4))",
                "np.save('F.npy', np.asfortranarray(v.reshape(3, 4)))",
                "for ver in [(2, 0), (3, 0)]:",
                "    with open('v%d.npy' % ver[0], 'wb') as fh:",
                "        np.lib.format.write_array(fh, v, version=ver)"));
        assertNpyEquals(SPECIAL, new int[] {3, 4}, "<f8", Npy.read(dir.resolve("d.npy")));
        assertNpyEquals(SPECIAL, new int[] {2, 3, 2}, ">f8", Npy.read(dir.resolve("be.npy")));
        assertNpyEquals(SPECIAL, new int[] {12}, "<f8", Npy.read(dir.resolve("v2.npy")));
        assertNpyEquals(SPECIAL, new int[] {12}, "<f8", Npy.read(dir.resolve("v3.npy")));
        double[] asFloats = new double[SPECIAL.length];
        for (int i = 0; i < asFloats.length; i++) {
            asFloats[i] = (float) SPECIAL[i];
        }
        assertNpyEquals(asFloats, new int[] {12}, "<f4", Npy.read(dir.resolve("f.npy")));
        assertNpyEquals(asFloats, new int[] {12}, ">f4", Npy.read(dir.resolve("bf.npy")));
        assertNpyEquals(new double[] {2.5}, new int[] {}, "<f8", Npy.read(dir.resolve("s.npy")));
        assertNpyEquals(new double[0], new int[] {0}, "<f8", Npy.read(dir.resolve("e.npy")));
        NpyException i = assertThrows(NpyException.class, () -> Npy.read(dir.resolve("i.npy")));
        assertTrue(i.getMessage().contains("'<i8'") && i.getMessage().contains("astype"), i.getMessage());
        NpyException f = assertThrows(NpyException.class, () -> Npy.read(dir.resolve("F.npy")));
        assertTrue(f.getMessage().contains("Fortran order"), f.getMessage());
    }

    @Test
    void numpyReadsWhatThisWrites() throws Exception {
        PythonRunner.assumeNumpy();
        float[] floats = new float[SPECIAL.length];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) SPECIAL[i];
        }
        Npy.write(dir.resolve("d.npy"), SPECIAL, 2, 3, 2);
        Npy.write(dir.resolve("f.npy"), floats, 12);
        Npy.write(dir.resolve("s.npy"), new double[] {-7.5});
        Npy.write(dir.resolve("e.npy"), new double[0], 0, 3);
        String out = PythonRunner.run(dir, String.join("\n",
                "import numpy as np",
                "v = np.array(" + PY_VALUES + ")",
                "def same(a, b):",
                "    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()",
                "d = np.load('d.npy', allow_pickle=False)",
                "assert d.dtype == np.dtype('<f8') and d.flags.c_contiguous, d.dtype",
                "assert same(d, v.reshape(2, 3, 2)), d",
                "f = np.load('f.npy', allow_pickle=False)",
                "assert same(f, v.astype('<f4')), f",
                "s = np.load('s.npy')",
                "assert s.shape == () and s == -7.5, s",
                "e = np.load('e.npy')",
                "assert e.shape == (0, 3) and e.dtype == np.float64, e.shape",
                "with open('d.npy', 'rb') as fh:",
                "    assert np.lib.format.read_magic(fh) == (1, 0)",
                "    shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)",
                "    assert (shape, fortran, dtype) == ((2, 3, 2), False, np.dtype('<f8'))",
                "    assert fh.tell() % 64 == 0, fh.tell()",
                "print('numpy agrees')"));
        assertEquals("numpy agrees", out.strip());
    }

    // ----- helpers -----

    private static void assertNpyEquals(double[] expected, int[] shape, String dtype, NpyArray a) {
        assertEquals(dtype, a.dtype());
        assertArrayEquals(shape, a.shape());
        assertBitsEqual(expected, a.data());
    }

    private static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private String assertMessage(Path f, String part) {
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(f));
        String m = e.getMessage();
        assertTrue(m.contains(part), "expected '" + part + "' in: " + m);
        assertTrue(m.contains(f.getFileName().toString()), "names the file: " + m);
        assertEquals(f, e.path());
        return m;
    }

    private static byte[] le(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** Builds a .npy file by hand: magic, version, header length, the header as given (no padding), data. */
    private Path npy(String name, int major, String header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = (header + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) h.length);
        } else {
            len.putInt(h.length);
        }
        out.write(len.array());
        out.write(h);
        out.write(data);
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }
}
