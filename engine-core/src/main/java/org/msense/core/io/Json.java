package org.msense.core.io;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, strict JSON (RFC 8259) reader and a pretty-printing writer, for configuration files and run
 * summaries.
 *
 * <p>{@link #parse} maps JSON to Java as follows: object → {@code LinkedHashMap<String, Object>} (keys in
 * file order), array → {@code ArrayList<Object>}, string → {@code String}, number → {@code Long} when it has
 * no fraction or exponent and fits in a {@code long}, otherwise {@code Double}, {@code true}/{@code false}
 * → {@code Boolean}, {@code null} → {@code null}. Anything RFC 8259 does not allow is an error with the
 * position ({@link JsonException}): comments, trailing commas, single quotes, {@code NaN} and
 * {@code Infinity}, leading zeros, control characters in strings, duplicate keys in one object, content
 * after the value. A leading byte order mark is ignored. Unpaired surrogate escapes (e.g. {@code "\uD800"})
 * are kept as they are, as the RFC's grammar allows them.
 *
 * <p>{@link #write} prints with an indent of two spaces; see there for the types it accepts.
 */
public final class Json {
    /** The deepest nesting of arrays and objects that {@link #parse} and {@link #write} accept. */
    public static final int MAX_DEPTH = 512;
    /** Arrays of at most this many numbers are written on one line. */
    private static final int INLINE_NUMBERS = 16;

    private Json() {
    }

    /**
     * Parses one JSON value. Nothing is modified.
     *
     * @param text       the JSON text
     * @param sourceName the name of the text (usually its file name), used at the start of error messages
     * @return a {@code LinkedHashMap<String, Object>}, {@code ArrayList<Object>}, {@code String},
     *         {@code Long}, {@code Double}, {@code Boolean}, or null for JSON {@code null}
     * @throws JsonException when {@code text} is not valid JSON, with a message like
     *                       {@code config.json:3:14: expected ',' or '}' after a value, found 'x'}
     */
    public static Object parse(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        return new Parser(text, sourceName == null ? "<json>" : sourceName).document();
    }

    /**
     * Writes a value as pretty-printed JSON (two-space indent, no final newline). Nothing is modified.
     * Accepted are: {@code Map} (an object; keys are written with {@code String.valueOf}, in the map's
     * iteration order); {@code Collection}, {@code Object[]}, {@code double[]}, {@code float[]},
     * {@code int[]}, {@code long[]} (arrays; arrays of at most 16 numbers go on one line); {@code String} and
     * other {@code CharSequence}; {@code Enum} (its {@code toString()}); {@code Boolean}; numbers; and
     * {@code null}. Integral numbers ({@code Long}, {@code Integer}, {@code Short}, {@code Byte},
     * {@code BigInteger}) are written without a decimal point; {@code Double} and {@code Float} are written
     * as {@code Double.toString}/{@code Float.toString} does, which parses back to the same value, except
     * that NaN and ±Infinity are written as {@code null}, since JSON has no such numbers.
     *
     * @param value the value to write
     * @return the JSON text
     * @throws IllegalArgumentException when the value holds an object of another type, contains itself or is
     *                                  nested deeper than {@link #MAX_DEPTH}; the message gives its location
     *                                  like {@code $.problem.sigma[2]}
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb).value(value, 0);
        return sb.toString();
    }

    /**
     * The value as a JSON object.
     *
     * @param value a parsed value; not modified
     * @param what  names the field in the message, e.g. {@code config.json: "problem"}
     * @return {@code value}, cast; its keys are strings when it came from {@link #parse}
     * @throws JsonException when it is not an object, e.g. {@code <what> must be a JSON object, found an array}
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw typeError(what, "a JSON object", value);
    }

    /**
     * The value as a JSON array.
     *
     * @param value a parsed value; not modified
     * @param what  names the field in the message
     * @return {@code value}, cast
     * @throws JsonException when it is not an array
     */
    @SuppressWarnings("unchecked")
    public static List<Object> asArray(Object value, String what) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw typeError(what, "a JSON array", value);
    }

    /**
     * The value as a string.
     *
     * @param value a parsed value
     * @param what  names the field in the message
     * @throws JsonException when it is not a string
     */
    public static String asString(Object value, String what) {
        if (value instanceof String s) {
            return s;
        }
        throw typeError(what, "a string", value);
    }

    /**
     * The value as a number.
     *
     * @param value a parsed value
     * @param what  names the field in the message
     * @return its {@code doubleValue()}
     * @throws JsonException when it is not a number
     */
    public static double asDouble(Object value, String what) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw typeError(what, "a number", value);
    }

    /**
     * The value as an integer: a {@code Long}, or a {@code Double} with an integral value of magnitude at
     * most 2<sup>53</sup> (so that {@code 1e3} is accepted as 1000).
     *
     * @param value a parsed value
     * @param what  names the field in the message
     * @throws JsonException when it is not an integer
     */
    public static long asLong(Object value, String what) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) <= 0x1p53) {
            return d.longValue();
        }
        throw typeError(what, "an integer", value);
    }

    /**
     * The value as an {@code int}, as {@link #asLong} and in range.
     *
     * @param value a parsed value
     * @param what  names the field in the message
     * @throws JsonException when it is not an integer or out of the {@code int} range
     */
    public static int asInt(Object value, String what) {
        long l = asLong(value, what);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new JsonException(what + " must be an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", found " + l);
        }
        return (int) l;
    }

    /**
     * The value as a boolean.
     *
     * @param value a parsed value
     * @param what  names the field in the message
     * @throws JsonException when it is not {@code true} or {@code false}
     */
    public static boolean asBoolean(Object value, String what) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw typeError(what, "true or false", value);
    }

    private static JsonException typeError(String what, String expected, Object found) {
        return new JsonException(what + " must be " + expected + ", found " + describe(found));
    }

    /** A short description of a parsed value for messages, e.g. {@code a string ("abc")}. */
    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "a string (" + quote(s.length() > 40 ? s.substring(0, 40) + "..." : s) + ")";
        }
        if (v instanceof Long || v instanceof Integer) {
            return "the integer " + v;
        }
        if (v instanceof Number) {
            return "the number " + v;
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        Writer.string(sb, s);
        return sb.toString();
    }

    /** Recursive descent over the text; {@code pos} is the index of the next character. */
    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Object document() {
            if (text.startsWith("\uFEFF")) {
                pos = 1;
            }
            skipSpace();
            Object value = value(0);
            skipSpace();
            if (pos < text.length()) {
                throw error(pos, "expected the end of the input after the JSON value, found " + found(pos)
                        + (text.charAt(pos) == ',' ? "; a document holds one value: put several in [ ]" : ""));
            }
            return value;
        }

        private Object value(int depth) {
            if (pos >= text.length()) {
                throw error(pos, "expected a JSON value, found the end of the input");
            }
            char c = text.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case '-':
                    return number();
                default:
                    break;
            }
            if (c >= '0' && c <= '9') {
                return number();
            }
            if (isWordChar(c)) {
                int start = pos;
                String word = word(pos);
                switch (word) {
                    case "true":
                        pos += 4;
                        return Boolean.TRUE;
                    case "false":
                        pos += 5;
                        return Boolean.FALSE;
                    case "null":
                        pos += 4;
                        return null;
                    case "NaN":
                    case "Infinity":
                        throw error(start, word + " is not a JSON number; write a finite number");
                    case "True":
                    case "False":
                    case "None":
                    case "TRUE":
                    case "FALSE":
                    case "NULL":
                    case "Null":
                        throw error(start, "expected a JSON value, found '" + word
                                + "'; JSON's literals are true, false and null, in lower case");
                    default:
                        throw error(start, "expected a JSON value, found '" + word
                                + "'; strings must be in double quotes");
                }
            }
            String hint = switch (c) {
                case '\'' -> "; JSON strings use double quotes";
                case '/', '#' -> "; JSON does not allow comments";
                case '+' -> "; JSON numbers have no '+' sign";
                case '.' -> "; JSON numbers start with a digit, e.g. 0.5";
                default -> "";
            };
            throw error(pos, "expected a JSON value, found " + found(pos) + hint);
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            Map<String, Integer> keyPositions = new HashMap<>();
            skipSpace();
            if (peekIs('}')) {
                pos++;
                return map;
            }
            boolean afterComma = false;
            while (true) {
                if (!peekIs('"')) {
                    String hint = peekIs('}') ? "; JSON does not allow a comma before '}'"
                            : peekIs('\'') ? "; JSON strings use double quotes"
                            : pos < text.length() && isWordChar(text.charAt(pos)) ? "; keys must be in double quotes"
                            : "";
                    throw error(pos, "expected a string key" + (afterComma ? " after ','" : " or '}'") + ", found "
                            + found(pos) + hint);
                }
                int keyStart = pos;
                String key = string();
                Integer first = keyPositions.putIfAbsent(key, keyStart);
                if (first != null) {
                    int[] lc = lineColumn(first);
                    throw error(keyStart, "duplicate key " + quote(key) + " in one object (first at line " + lc[0]
                            + ", column " + lc[1] + "); give each key once");
                }
                skipSpace();
                if (!peekIs(':')) {
                    throw error(pos, "expected ':' after the key " + quote(key) + ", found " + found(pos));
                }
                pos++;
                skipSpace();
                map.put(key, value(depth + 1));
                skipSpace();
                if (peekIs(',')) {
                    pos++;
                    skipSpace();
                    afterComma = true;
                } else if (peekIs('}')) {
                    pos++;
                    return map;
                } else {
                    throw error(pos, "expected ',' or '}' after a value, found " + found(pos)
                            + (startsValue(pos) ? "; is a ',' missing?" : ""));
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peekIs(']')) {
                pos++;
                return list;
            }
            while (true) {
                if (peekIs(']')) {
                    throw error(pos, "expected a JSON value after ',', found ']'; JSON does not allow a comma"
                            + " before ']'");
                }
                list.add(value(depth + 1));
                skipSpace();
                if (peekIs(',')) {
                    pos++;
                    skipSpace();
                } else if (peekIs(']')) {
                    pos++;
                    return list;
                } else {
                    throw error(pos, "expected ',' or ']' after a value, found " + found(pos)
                            + (startsValue(pos) ? "; is a ',' missing?" : ""));
                }
            }
        }

        private String string() {
            int start = pos;
            pos++; // '"'
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= text.length()) {
                    throw error(start, "this string is never closed: expected '\"' before the end of the input");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    String s = sb == null ? text.substring(runStart, pos)
                            : sb.append(text, runStart, pos).toString();
                    pos++;
                    return s;
                }
                if (c < 0x20) {
                    String as = switch (c) {
                        case '\n' -> "\\n (or close the string before the line ends)";
                        case '\r' -> "\\r (or close the string before the line ends)";
                        case '\t' -> "\\t";
                        case '\b' -> "\\b";
                        case '\f' -> "\\f";
                        default -> String.format("\\u%04x", (int) c);
                    };
                    throw error(pos, String.format("control character U+%04X in a string; write it as ", (int) c) + as);
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, pos);
                int escape = pos;
                pos++;
                if (pos >= text.length()) {
                    throw error(start, "this string is never closed: expected '\"' before the end of the input");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = pos < text.length() ? hexDigit(text.charAt(pos)) : -1;
                            if (digit < 0) {
                                throw error(pos, "expected 4 hex digits after \\u, found " + found(pos));
                            }
                            code = code * 16 + digit;
                            pos++;
                        }
                        sb.append((char) code);
                    }
                    default -> throw error(escape, "invalid escape '\\" + new String(Character.toChars(
                            text.codePointAt(pos - 1))) + "' in a string; the escapes are \\\" \\\\ \\/ \\b \\f"
                            + " \\n \\r \\t and \\uXXXX (for a backslash write \\\\)");
                }
                runStart = pos;
            }
        }

        /** Whether a JSON value (or key) can start at {@code at}: then a missing ',' is the likely mistake. */
        private boolean startsValue(int at) {
            if (at >= text.length()) {
                return false;
            }
            char c = text.charAt(at);
            return c == '"' || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9')
                    || text.startsWith("true", at) || text.startsWith("false", at) || text.startsWith("null", at);
        }

        private static int hexDigit(char c) {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }

        private Object number() {
            int start = pos;
            if (peekIs('-')) {
                pos++;
                if (text.startsWith("Infinity", pos)) {
                    throw error(start, "-Infinity is not a JSON number; write a finite number");
                }
            }
            if (!peekDigit()) {
                throw error(pos, "expected a digit after '-', found " + found(pos));
            }
            if (peekIs('0')) {
                pos++;
                if (peekDigit()) {
                    int end = pos;
                    while (end < text.length() && Character.isDigit(text.charAt(end))) {
                        end++;
                    }
                    throw error(start, "leading zeros are not allowed in JSON numbers, found '"
                            + text.substring(start, end) + "'");
                }
            } else {
                digits();
            }
            boolean integral = true;
            if (peekIs('.')) {
                integral = false;
                pos++;
                if (!peekDigit()) {
                    throw error(pos, "expected a digit after the decimal point, found " + found(pos));
                }
                digits();
            }
            if (peekIs('e') || peekIs('E')) {
                integral = false;
                pos++;
                if (peekIs('+') || peekIs('-')) {
                    pos++;
                }
                if (!peekDigit()) {
                    throw error(pos, "expected a digit in the exponent, found " + found(pos));
                }
                digits();
            }
            String token = text.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(token);
                } catch (NumberFormatException e) {
                    // beyond the long range: a double, like any other number
                }
            }
            double d = Double.parseDouble(token);
            if (Double.isInfinite(d)) {
                throw error(start, "the number " + (token.length() > 30 ? token.substring(0, 30) + "..." : token)
                        + " is too large for a 64-bit float (the largest is about 1.8e308)");
            }
            return d;
        }

        private void digits() {
            while (peekDigit()) {
                pos++;
            }
        }

        private boolean peekDigit() {
            return pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9';
        }

        private boolean peekIs(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void checkDepth(int depth) {
            if (depth >= MAX_DEPTH) {
                throw error(pos, "arrays and objects are nested more than " + MAX_DEPTH + " deep");
            }
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        private String word(int at) {
            int end = at;
            while (end < text.length() && isWordChar(text.charAt(end)) && end - at < 40) {
                end++;
            }
            return text.substring(at, end);
        }

        /** What is at {@code at}, for messages: {@code 'x'}, {@code 'word'}, {@code the end of the input}. */
        private String found(int at) {
            if (at >= text.length()) {
                return "the end of the input";
            }
            int cp = text.codePointAt(at);
            if (cp < 0x80 && isWordChar((char) cp)) {
                return "'" + word(at) + "'";
            }
            if (cp == '\'') {
                return "\"'\"";
            }
            if (cp < 0x20 || Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                String name = switch (cp) {
                    case '\n' -> " (a line break)";
                    case '\t' -> " (a tab)";
                    case 0xA0 -> " (a no-break space)";
                    default -> "";
                };
                return String.format("U+%04X", cp) + name;
            }
            return "'" + new String(Character.toChars(cp)) + "'";
        }

        /** 1-based line and column (in code points) of index {@code at}; a CR LF pair is one line break. */
        private int[] lineColumn(int at) {
            int line = 1;
            int column = 1;
            int i = text.startsWith("\uFEFF") ? 1 : 0;
            while (i < at && i < text.length()) {
                char c = text.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                    line++;
                    column = 1;
                } else if (c != '\r') {
                    column++;
                }
                i += Character.isHighSurrogate(c) && i + 1 < at && Character.isLowSurrogate(text.charAt(i + 1))
                        ? 2 : 1;
            }
            return new int[] {line, column};
        }

        private JsonException error(int at, String detail) {
            int[] lc = lineColumn(at);
            return new JsonException(source, lc[0], lc[1], detail);
        }
    }

    /** Pretty printer; {@code path} is the location of the value being written, for messages. */
    private static final class Writer {
        private final StringBuilder sb;
        private final Deque<Object> path = new ArrayDeque<>();
        private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());

        Writer(StringBuilder sb) {
            this.sb = sb;
        }

        void value(Object v, int depth) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof CharSequence s) {
                string(sb, s.toString());
            } else if (v instanceof Boolean b) {
                sb.append(b.booleanValue());
            } else if (v instanceof Number n) {
                number(n);
            } else if (v instanceof Enum<?> e) {
                string(sb, e.toString());
            } else if (v instanceof Map<?, ?> m) {
                object(m, depth);
            } else if (v instanceof Collection<?> c) {
                enter(v, depth);
                array(c.size(), c.iterator(), depth);
                open.remove(v);
            } else if (v instanceof Object[] a) {
                enter(v, depth);
                array(a.length, Arrays.asList(a).iterator(), depth);
                open.remove(v);
            } else if (v instanceof double[] || v instanceof float[] || v instanceof int[] || v instanceof long[]) {
                primitiveArray(v, depth);
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON at "
                        + location() + ": only maps, collections, arrays, strings, numbers, booleans, enums and"
                        + " null can be written; convert it to one of those first");
            }
        }

        private void number(Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    sb.append("null");
                } else {
                    sb.append(n instanceof Float f ? Float.toString(f) : Double.toString(d));
                }
            } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                    || n instanceof BigInteger || n instanceof AtomicInteger || n instanceof AtomicLong) {
                sb.append(n.toString());
            } else if (n instanceof BigDecimal b) {
                sb.append(b.toString());
            } else {
                double d = n.doubleValue();
                sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
            }
        }

        private void object(Map<?, ?> m, int depth) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            enter(m, depth);
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "\n" : ",\n");
                first = false;
                indent(depth + 1);
                String key = String.valueOf(e.getKey());
                string(sb, key);
                sb.append(": ");
                path.addLast(key);
                value(e.getValue(), depth + 1);
                path.removeLast();
            }
            sb.append('\n');
            indent(depth);
            sb.append('}');
            open.remove(m);
        }

        private void array(int size, Iterator<?> items, int depth) {
            if (size == 0) {
                sb.append("[]");
                return;
            }
            List<Object> copy = new ArrayList<>(size);
            items.forEachRemaining(copy::add);
            boolean inline = copy.size() <= INLINE_NUMBERS;
            for (Object o : copy) {
                inline &= o == null || o instanceof Number;
            }
            sb.append('[');
            for (int i = 0; i < copy.size(); i++) {
                separate(i, inline, depth);
                path.addLast(i);
                value(copy.get(i), depth + 1);
                path.removeLast();
            }
            close(inline, depth);
        }

        private void primitiveArray(Object a, int depth) {
            int n = Array.getLength(a);
            if (n == 0) {
                sb.append("[]");
                return;
            }
            boolean inline = n <= INLINE_NUMBERS;
            sb.append('[');
            for (int i = 0; i < n; i++) {
                separate(i, inline, depth);
                if (a instanceof double[] d) {
                    number(d[i]);
                } else if (a instanceof float[] f) {
                    number(f[i]);
                } else if (a instanceof int[] k) {
                    sb.append(k[i]);
                } else {
                    sb.append(((long[]) a)[i]);
                }
            }
            close(inline, depth);
        }

        private void separate(int i, boolean inline, int depth) {
            if (inline) {
                sb.append(i == 0 ? "" : ", ");
            } else {
                sb.append(i == 0 ? "\n" : ",\n");
                indent(depth + 1);
            }
        }

        private void close(boolean inline, int depth) {
            if (!inline) {
                sb.append('\n');
                indent(depth);
            }
            sb.append(']');
        }

        private void enter(Object container, int depth) {
            if (depth >= MAX_DEPTH) {
                throw new IllegalArgumentException("cannot write JSON nested more than " + MAX_DEPTH
                        + " deep (at " + location() + ")");
            }
            if (!open.add(container)) {
                throw new IllegalArgumentException("cannot write a value that contains itself as JSON (at "
                        + location() + ")");
            }
        }

        private void indent(int depth) {
            for (int i = 0; i < depth; i++) {
                sb.append("  ");
            }
        }

        private String location() {
            StringBuilder where = new StringBuilder("$");
            for (Object p : path) {
                if (p instanceof Integer i) {
                    where.append('[').append(i).append(']');
                } else {
                    where.append('.').append(p);
                }
            }
            return where.toString();
        }

        /** Appends {@code s} as a JSON string; unpaired surrogates are escaped so the output is valid UTF-16. */
        static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else if (Character.isSurrogate(c)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
