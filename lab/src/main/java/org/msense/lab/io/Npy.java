package org.msense.lab.io;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes NumPy {@code .npy} files (the format of {@code numpy.save} / {@code numpy.load}) holding
 * float64 or float32 arrays.
 *
 * <p>Writing produces format version 1.0 (2.0 only if the header would not fit in 65535 bytes), C order,
 * little-endian, with the header dictionary spelled as NumPy spells it, e.g.
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}, padded with spaces and ended by a
 * newline so that the data starts at a multiple of 64 bytes. Files are written atomically
 * ({@link AtomicFiles}): a crash never leaves a half-written file behind.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0 and the dtypes float64 and float32 in either byte order
 * ({@code <f8 >f8 <f4 >f4}; also {@code =}, {@code |} or no prefix, read in this machine's byte order as NumPy
 * does, and the one-letter codes {@code d} and {@code f}); values are converted to {@code double}. Data in
 * Fortran order is rejected unless its element order is the same as in C order (at most one dimension longer
 * than 1). Bytes after the data are ignored, as NumPy ignores them. Both directions stream the data in
 * chunks, so no byte copy of a whole large array is made.
 */
public final class Npy {
    /** The largest number of elements read into one array: the largest array length every JVM allows. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK_BYTES = 1 << 20;
    private static final String SUPPORTED = "float64 or float32 ('<f8', '>f8', '<f4' or '>f4')";

    private Npy() {
    }

    /**
     * Writes {@code data} as a float64 ({@code <f8}) array of the given shape, replacing {@code path}
     * atomically.
     *
     * @param path  the file to create or replace; its directory must exist. Only this file is modified;
     *              {@code data} is not.
     * @param data  the values in C (row-major) order
     * @param shape the dimensions, none negative, with product {@code data.length}; no dimension gives a
     *              0-d (scalar) array of one element
     * @throws IllegalArgumentException when a dimension is negative or the shape does not hold
     *                                  {@code data.length} elements
     * @throws IOException              when the file cannot be written
     */
    public static void write(Path path, double[] data, int... shape) throws IOException {
        Objects.requireNonNull(data, "data");
        byte[] header = header("<f8", shape, data.length);
        AtomicFiles.write(path, out -> {
            out.write(header);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            DoubleBuffer view = buf.asDoubleBuffer();
            for (int off = 0; off < data.length; ) {
                int n = Math.min(view.capacity(), data.length - off);
                view.clear();
                view.put(data, off, n);
                out.write(buf.array(), 0, n * Double.BYTES);
                off += n;
            }
        });
    }

    /**
     * Writes {@code data} as a float32 ({@code <f4}) array of the given shape, replacing {@code path}
     * atomically.
     *
     * @param path  the file to create or replace; its directory must exist. Only this file is modified;
     *              {@code data} is not.
     * @param data  the values in C (row-major) order
     * @param shape the dimensions, none negative, with product {@code data.length}
     * @throws IllegalArgumentException when a dimension is negative or the shape does not hold
     *                                  {@code data.length} elements
     * @throws IOException              when the file cannot be written
     */
    public static void write(Path path, float[] data, int... shape) throws IOException {
        Objects.requireNonNull(data, "data");
        byte[] header = header("<f4", shape, data.length);
        AtomicFiles.write(path, out -> {
            out.write(header);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer view = buf.asFloatBuffer();
            for (int off = 0; off < data.length; ) {
                int n = Math.min(view.capacity(), data.length - off);
                view.clear();
                view.put(data, off, n);
                out.write(buf.array(), 0, n * Float.BYTES);
                off += n;
            }
        });
    }

    /**
     * Reads a float64 or float32 {@code .npy} file; values are converted to {@code double}. Nothing is
     * modified.
     *
     * @param path the file
     * @return the array, with {@link NpyArray#source()} = {@code path}
     * @throws NpyException when the file does not exist ({@code "<path> not found"}), is not a {@code .npy}
     *                      file, uses an unknown format version, has a malformed header, another dtype (the
     *                      message names it and says to convert with {@code a.astype(numpy.float64)}), Fortran
     *                      order (the message says to save {@code numpy.ascontiguousarray(a)}), more elements
     *                      than a Java array holds, or less data than its shape needs
     * @throws IOException  when reading fails otherwise
     */
    public static NpyArray read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            throw new NpyException(path, path + " is a directory, not a .npy file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NpyException(path, path + " not found", e);
        } catch (AccessDeniedException e) {
            throw new NpyException(path, path + " cannot be read: permission denied", e);
        }
        try (FileChannel ch = channel) {
            return read(path, ch);
        }
    }

    private static NpyArray read(Path path, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int got = readFully(ch, prefix);
        checkMagic(path, prefix.array(), got);
        if (got < 10) {
            throw new NpyException(path, path + " is truncated: it ends inside the .npy preamble (" + got
                    + " bytes); save it again with numpy.save");
        }
        int major = prefix.get(6) & 0xff;
        int minor = prefix.get(7) & 0xff;
        long headerLength;
        int preamble;
        if (major == 1 && minor == 0) {
            headerLength = prefix.getShort(8) & 0xffff;
            preamble = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            if (got < 12) {
                throw new NpyException(path, path + " is truncated: it ends inside the .npy preamble (" + got
                        + " bytes); save it again with numpy.save");
            }
            headerLength = prefix.getInt(8) & 0xffffffffL;
            preamble = 12;
        } else {
            throw new NpyException(path, path + " uses .npy format version " + major + "." + minor
                    + ", which cannot be read (versions 1.0, 2.0 and 3.0 can); save it with numpy.save");
        }
        long dataOffset = preamble + headerLength;
        if (dataOffset > fileSize) {
            throw new NpyException(path, path + " is truncated: its header should be " + headerLength
                    + " bytes long but the file ends after " + (fileSize - preamble)
                    + "; save it again with numpy.save");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        ch.position(preamble);
        if (readFully(ch, headerBytes) < headerLength) {
            throw new NpyException(path, path + " is truncated inside its header; save it again with numpy.save");
        }
        String header = new String(headerBytes.array(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(path, header);

        Dtype dtype = Dtype.of(h.descr);
        if (dtype == null) {
            throw new NpyException(path, path + " holds dtype " + h.descrText + describeKind(h.descr)
                    + ", but only " + SUPPORTED + " can be read; convert it with a.astype(numpy.float64)"
                    + " and save it again");
        }
        int[] shape = new int[h.shape.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            BigInteger d = h.shape.get(i);
            if (d.signum() < 0) {
                throw malformed(path, header, "the shape has the negative dimension " + d);
            }
            if (d.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
                throw tooLarge(path, h.shapeText);
            }
            shape[i] = d.intValueExact();
        }
        boolean empty = false;
        for (int d : shape) {
            empty |= d == 0;
        }
        if (empty) {
            size = 0;
        } else {
            for (int d : shape) {
                size *= d; // both factors are at most MAX_ELEMENTS: no overflow
                if (size > MAX_ELEMENTS) {
                    throw tooLarge(path, h.shapeText);
                }
            }
        }
        if (h.fortranOrder) {
            int longer = 0;
            for (int d : shape) {
                longer += d > 1 ? 1 : 0;
            }
            if (longer > 1 && size > 0) {
                throw new NpyException(path, path + " is stored in Fortran order; save it with "
                        + "numpy.ascontiguousarray(a)");
            }
        }
        long needed = size * dtype.itemSize;
        long available = fileSize - dataOffset;
        if (available < needed) {
            throw truncated(path, shape, h.descrText, needed, available);
        }
        double[] data;
        try {
            data = new double[(int) size];
        } catch (OutOfMemoryError e) {
            throw new NpyException(path, path + " has shape " + formatShape(shape) + ", which needs "
                    + (size * Double.BYTES >> 20) + " MiB of memory as doubles, more than is free; "
                    + "give Java more memory with -Xmx", e);
        }
        ch.position(dataOffset);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(dtype.order);
        int off = 0;
        while (off < size) {
            int n = (int) Math.min(CHUNK_BYTES / dtype.itemSize, size - off);
            buf.clear().limit(n * dtype.itemSize);
            if (readFully(ch, buf) < n * dtype.itemSize) {
                throw truncated(path, shape, h.descrText, needed, (long) off * dtype.itemSize + buf.position());
            }
            buf.flip();
            if (dtype.itemSize == Double.BYTES) {
                buf.asDoubleBuffer().get(data, off, n);
            } else {
                FloatBuffer fb = buf.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    data[off + i] = fb.get(i);
                }
            }
            off += n;
        }
        return new NpyArray(h.descr instanceof String s ? s : h.descrText, shape, data, path);
    }

    /**
     * The shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}.
     *
     * @param shape the dimensions; not modified
     */
    static String formatShape(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * The number of elements of {@code shape} (1 for no dimension).
     *
     * @throws IllegalArgumentException when a dimension is negative or the product exceeds {@code long}
     */
    static long checkedSize(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + formatShape(shape) + " has a negative dimension");
            }
        }
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        for (int d : shape) {
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + formatShape(shape) + " has too many elements");
            }
        }
        return size;
    }

    /** The preamble and header of a C-order array, padded so that the data starts at a multiple of 64. */
    private static byte[] header(String descr, int[] shape, int length) {
        Objects.requireNonNull(shape, "shape");
        long size = checkedSize(shape);
        if (size != length) {
            throw new IllegalArgumentException("shape " + formatShape(shape) + " needs " + size
                    + " elements but the data has " + length + "; pass the dimensions of the data");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + formatShape(shape) + ", }";
        int preamble = 10;
        int unpadded = preamble + dict.length() + 1;
        if (unpadded - preamble > 0xffff) {
            preamble = 12;
            unpadded += 2;
        }
        int pad = (ALIGN - unpadded % ALIGN) % ALIGN;
        int headerLength = dict.length() + pad + 1;
        ByteBuffer b = ByteBuffer.allocate(preamble + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        if (preamble == 10) {
            b.put((byte) 1).put((byte) 0).putShort((short) headerLength);
        } else {
            b.put((byte) 2).put((byte) 0).putInt(headerLength);
        }
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static void checkMagic(Path path, byte[] start, int got) throws NpyException {
        if (got == 0) {
            throw new NpyException(path, path + " is empty, not a .npy file; save the array with numpy.save");
        }
        if (got >= 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4) {
            throw new NpyException(path, path + " is a zip archive (.npz?), not a .npy file; save the array "
                    + "alone with numpy.save");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= got || start[i] != MAGIC[i]) {
                throw new NpyException(path, path + " is not a .npy file (it does not start with the .npy magic"
                        + " \\x93NUMPY); save the array with numpy.save");
            }
        }
    }

    private static int readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static NpyException truncated(Path path, int[] shape, String descr, long needed, long available) {
        return new NpyException(path, path + " is truncated: shape " + formatShape(shape) + " of dtype " + descr
                + " needs " + needed + " bytes of data but only " + available + " follow the header; the file was"
                + " probably cut short while being written or copied; save it again");
    }

    private static NpyException tooLarge(Path path, String shapeText) {
        return new NpyException(path, path + " has shape " + shapeText + ", more than the " + MAX_ELEMENTS
                + " elements one Java array can hold; split it into smaller arrays");
    }

    private static NpyException malformed(Path path, String header, String what) {
        String shown = header.strip();
        if (shown.length() > 200) {
            shown = shown.substring(0, 200) + "...";
        }
        return new NpyException(path, path + " has a malformed .npy header (" + what + "): " + shown
                + "; save the array with numpy.save");
    }

    /** A short explanation of an unsupported dtype, e.g. " (64-bit integers)", or "" when none applies. */
    private static String describeKind(Object descr) {
        if (!(descr instanceof String s)) {
            return " (a structured dtype with named fields)";
        }
        String code = s.isEmpty() || "<>=|".indexOf(s.charAt(0)) < 0 ? s : s.substring(1);
        if (code.isEmpty()) {
            return "";
        }
        String bits = code.length() > 1 && code.substring(1).chars().allMatch(Character::isDigit)
                ? Integer.parseInt(code.substring(1)) * 8 + "-bit " : "";
        return switch (code.charAt(0)) {
            case 'i' -> " (" + bits + "integers)";
            case 'u' -> " (" + bits + "unsigned integers)";
            case 'f' -> " (" + bits + "floats)";
            case 'c' -> " (" + bits + "complex numbers)";
            case 'b', '?' -> " (booleans)";
            case 'O' -> " (Python objects)";
            case 'U', 'S', 'a' -> " (strings)";
            case 'M', 'm' -> " (dates or times)";
            case 'V' -> " (raw bytes)";
            default -> "";
        };
    }

    /** A supported dtype: element size and byte order. */
    private record Dtype(int itemSize, ByteOrder order) {
        /** The dtype for a descr, or null when it is not float64 or float32. */
        static Dtype of(Object descr) {
            if (!(descr instanceof String s) || s.isEmpty()) {
                return null;
            }
            char first = s.charAt(0);
            ByteOrder order = first == '<' ? ByteOrder.LITTLE_ENDIAN
                    : first == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.nativeOrder();
            String code = "<>=|".indexOf(first) >= 0 ? s.substring(1) : s;
            return switch (code) {
                case "f8", "d" -> new Dtype(Double.BYTES, order);
                case "f4", "f" -> new Dtype(Float.BYTES, order);
                default -> null;
            };
        }
    }

    /** The three entries of a header dictionary; {@code descr} is a String, or a List for structured dtypes. */
    private record Header(Object descr, String descrText, boolean fortranOrder, List<BigInteger> shape,
            String shapeText) {
    }

    private static Header parseHeader(Path path, String header) throws NpyException {
        HeaderParser p = new HeaderParser(path, header);
        Map<String, Object> dict = p.parseDict();
        for (String key : dict.keySet()) {
            if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                throw malformed(path, header, "unexpected key '" + key + "'");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw malformed(path, header, "no '" + key + "' entry");
            }
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String) && !(descr instanceof List)) {
            throw malformed(path, header, "'descr' is neither a string nor a list");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw malformed(path, header, "'fortran_order' is not True or False");
        }
        if (!(dict.get("shape") instanceof Tuple shapeTuple)) {
            throw malformed(path, header, "'shape' is not a tuple");
        }
        List<BigInteger> shape = new ArrayList<>();
        for (Object o : shapeTuple.items()) {
            if (!(o instanceof BigInteger d)) {
                throw malformed(path, header, "'shape' holds " + o + ", not an integer");
            }
            shape.add(d);
        }
        String descrText = descr instanceof String s ? "'" + s + "'" : p.rawText("descr");
        return new Header(descr, descrText, fortran, shape, p.rawText("shape"));
    }

    /** A Python tuple in a header. */
    private record Tuple(List<Object> items) {
    }

    /**
     * Parses the Python literal a {@code .npy} header holds: a dict with string keys whose values are
     * strings, True/False/None, integers, tuples and lists of those.
     */
    private static final class HeaderParser {
        private static final int MAX_DEPTH = 64;
        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };
        private final Path path;
        private final String s;
        private final Map<String, String> raw = new LinkedHashMap<>();
        private int pos;

        HeaderParser(Path path, String s) {
            this.path = path;
            this.s = s;
        }

        String rawText(String key) {
            return raw.get(key);
        }

        Map<String, Object> parseDict() throws NpyException {
            skipSpace();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            skipSpace();
            while (peek() != '}') {
                if (peek() != '\'' && peek() != '"') {
                    throw error("expected a quoted key");
                }
                String key = parseString();
                skipSpace();
                expect(':');
                skipSpace();
                int start = pos;
                dict.put(key, parseValue(0));
                raw.put(key, s.substring(start, pos));
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the dictionary");
            }
            return dict;
        }

        private Object parseValue(int depth) throws NpyException {
            if (depth > MAX_DEPTH) {
                throw error("nesting too deep");
            }
            char c = peek();
            if (c == '\'' || c == '"') {
                return parseString();
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> items = new ArrayList<>();
                skipSpace();
                boolean comma = false;
                while (peek() != close) {
                    items.add(parseValue(depth + 1));
                    skipSpace();
                    comma = false;
                    if (peek() == ',') {
                        pos++;
                        comma = true;
                        skipSpace();
                    } else if (peek() != close) {
                        throw error("expected ',' or '" + close + "'");
                    }
                }
                pos++;
                // In Python (5) is the integer 5 and (5,) the tuple; only the latter is a shape.
                if (c == '(' && items.size() == 1 && !comma) {
                    return items.get(0);
                }
                return c == '(' ? new Tuple(items) : items;
            }
            if (c == '-' || c == '+' || Character.isDigit(c)) {
                int start = pos++;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                String digits = s.substring(start, pos);
                if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                    pos++; // Python 2 long suffix, as in headers written by old NumPy versions
                }
                try {
                    return new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits);
                } catch (NumberFormatException e) {
                    throw error("expected an integer");
                }
            }
            if (Character.isLetter(c)) {
                int start = pos;
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                return switch (s.substring(start, pos)) {
                    case "True" -> Boolean.TRUE;
                    case "False" -> Boolean.FALSE;
                    case "None" -> NONE;
                    default -> {
                        pos = start;
                        throw error("unknown name");
                    }
                };
            }
            throw error("expected a value");
        }

        private String parseString() throws NpyException {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            pos++;
            return sb.toString();
        }

        private void expect(char c) throws NpyException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() throws NpyException {
            if (pos >= s.length()) {
                throw error("it ends too early");
            }
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private NpyException error(String what) {
            return malformed(path, s, what + " at character " + (pos + 1) + " of the header");
        }
    }
}
