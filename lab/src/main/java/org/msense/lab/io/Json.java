package org.msense.lab.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON for config files, {@code config.json}, {@code summary.json} and {@code report.json}: one configured
 * Jackson {@link ObjectMapper} and the few reading helpers the project needs.
 *
 * <p><b>Reading is strict RFC 8259.</b> Comments, trailing commas, single quotes, unquoted keys, {@code NaN}
 * and {@code Infinity}, leading zeros, control characters in strings, a key given twice in one object and
 * anything after the value are errors ({@link JsonException}) that give the line and column and say what is
 * wrong. A leading byte order mark is ignored.
 *
 * <p><b>Writing</b> ({@link #write}): records with their components in declaration order, maps in their
 * iteration order; an indent of two spaces, one key per line as {@code "key": value}; arrays of at most
 * {@value #INLINE_NUMBERS} numbers ({@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}) on one
 * line; doubles as {@link Double#toString(double)} writes them, which parses back to the same value; NaN
 * and ±Infinity as {@code null}, since JSON has no such numbers.
 */
public final class Json {
    /** Number arrays of at most this many elements are written on one line. */
    public static final int INLINE_NUMBERS = 16;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new Printer())
            .addModule(new SimpleModule("msense-numbers")
                    .addSerializer(Double.class, new FiniteSerializer<>(Double.class))
                    .addSerializer(double.class, new FiniteSerializer<>(double.class))
                    .addSerializer(Float.class, new FiniteSerializer<>(Float.class))
                    .addSerializer(float.class, new FiniteSerializer<>(float.class))
                    .addSerializer(double[].class, new NumberArraySerializer<>(double[].class))
                    .addSerializer(float[].class, new NumberArraySerializer<>(float[].class))
                    .addSerializer(long[].class, new NumberArraySerializer<>(long[].class))
                    .addSerializer(int[].class, new NumberArraySerializer<>(int[].class)))
            .build();
    /** Reads one value from a parser positioned on its first token, leaving the rest of the text to the caller. */
    private static final ObjectReader VALUE_READER = MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /**
     * The configured mapper, shared and thread-safe; for reading into other types, e.g.
     * {@code Json.mapper().readValue(text, Map.class)}. Do not reconfigure it ({@code copy()} it instead).
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Writes a value as pretty-printed JSON, without a final newline; see the class comment for the format.
     *
     * @throws IllegalArgumentException when Jackson cannot write the value
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads one JSON value as a tree.
     *
     * @param text       the JSON text
     * @param sourceName names the text (usually its file name) at the start of error messages
     * @throws JsonException when the text is not valid JSON
     */
    public static JsonNode readTree(String text, String sourceName) {
        try (JsonParser p = parser(text)) {
            if (p.nextToken() == null) {
                throw error(sourceName, p.currentLocation(), "expected a JSON value, found the end of the input");
            }
            JsonNode value = VALUE_READER.readTree(p);
            expectEnd(p, sourceName);
            return value;
        } catch (JsonProcessingException e) {
            throw error(sourceName, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One member of a JSON object with the position of its key.
     *
     * @param key    the key
     * @param value  its value (a {@code NullNode} for {@code null})
     * @param line   1-based line of the key
     * @param column 1-based column of the key
     */
    public record Member(String key, JsonNode value, int line, int column) {
    }

    /**
     * Reads a JSON object and gives its members in file order with the line and column of each key, so that
     * errors found later (a value of the wrong type) can name the line.
     *
     * @param text       the JSON text
     * @param sourceName names the text (usually its file name) at the start of error messages
     * @throws JsonException when the text is not valid JSON or not an object
     */
    public static List<Member> readObject(String text, String sourceName) {
        try (JsonParser p = parser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw error(sourceName, p.currentTokenLocation(), "expected a JSON object {\"key\": value, ...}, found "
                        + (first == null ? "the end of the input" : first.isScalarValue() ? p.getText() : "an array"));
            }
            List<Member> members = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonLocation at = p.currentTokenLocation();
                String key = p.currentName();
                p.nextToken();
                members.add(new Member(key, VALUE_READER.readTree(p), at.getLineNr(), at.getColumnNr()));
            }
            expectEnd(p, sourceName);
            return members;
        } catch (JsonProcessingException e) {
            throw error(sourceName, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonParser parser(String text) throws IOException {
        return MAPPER.createParser(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    private static void expectEnd(JsonParser p, String sourceName) throws IOException {
        if (p.nextToken() != null) {
            throw error(sourceName, p.currentTokenLocation(), "expected the end of the input after the JSON value, found '"
                    + p.getText() + "'");
        }
    }

    private static JsonException error(String sourceName, JsonLocation at, String detail) {
        return new JsonException(sourceName, at.getLineNr(), at.getColumnNr(), detail, null);
    }

    private static JsonException error(String sourceName, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return new JsonException(sourceName, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                explain(e.getOriginalMessage()), e);
    }

    private static final Pattern NON_NUMERIC = Pattern.compile("^Non-standard token '([^']*)'");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'$");
    private static final Pattern AFTER_ROOT = Pattern.compile(
            "^Unexpected character \\('(.*)' \\(code \\d+\\)\\): Expected space separating root-level values");

    /** Jackson's message in the project's words: its advice to enable parser features left out, hints added. */
    private static String explain(String message) {
        Matcher m = NON_NUMERIC.matcher(message);
        if (m.find()) {
            return m.group(1) + " is not a JSON number; write a finite number";
        }
        m = DUPLICATE.matcher(message);
        if (m.find()) {
            return "duplicate key \"" + m.group(1) + "\" in one object; give each key once";
        }
        m = AFTER_ROOT.matcher(message);
        if (m.find()) {
            return "expected the end of the input after the JSON value, found '" + m.group(1) + "'";
        }
        String hint = "";
        if (message.startsWith("Unexpected character ('#'")) {
            hint = "; JSON does not allow comments";
        } else if (message.startsWith("Unexpected character ('''")) {
            hint = "; JSON strings use double quotes";
        } else if (message.contains("was expecting double-quote to start field name")) {
            hint = message.startsWith("Unexpected character ('}'") ? "; JSON does not allow a comma before '}'"
                    : "; keys must be in double quotes";
        } else if (message.startsWith("Unexpected character (']'") && message.contains("expected a valid value")) {
            hint = "; JSON does not allow a comma before ']'";
        } else if (message.startsWith("Unrecognized token")) {
            hint = "; the literals are true, false and null (lower case) and strings are in double quotes";
        }
        return message.replaceAll("maybe a \\(non-standard\\) comment\\?.*", "JSON does not allow comments")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll(", from `[^`]*`", "")
                .replaceAll("\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2") + hint;
    }

    /**
     * Jackson's default pretty printer with {@code "key": value}, {@code {}} and {@code []} for empty
     * containers, line feeds and a two-space indent for arrays as for objects, except for arrays that
     * {@link NumberArraySerializer} asks to keep on one line.
     */
    private static final class Printer extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;
        /** Per open array: whether it is written on one line. */
        private final transient Deque<Boolean> inline = new ArrayDeque<>();
        private transient boolean inlineNext;

        Printer() {
            super(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""));
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        private Printer(Printer base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Printer(this);
        }

        void inlineNextArray() {
            inlineNext = true;
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            inline.push(inlineNext);
            if (inlineNext) {
                inlineNext = false;
                g.writeRaw('[');
            } else {
                super.writeStartArray(g);
            }
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (!inline.isEmpty() && !inline.peek()) {
                super.beforeArrayValues(g);
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            if (!inline.isEmpty() && inline.peek()) {
                g.writeRaw(", ");
            } else {
                super.writeArrayValueSeparator(g);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (!inline.isEmpty() && inline.pop()) {
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, nrOfValues);
            }
        }
    }

    /** Doubles and floats, with NaN and ±Infinity as null. */
    private static final class FiniteSerializer<T> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;

        FiniteSerializer(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator g, SerializerProvider provider) throws IOException {
            if (value instanceof Float f) {
                writeFloat(g, f);
            } else {
                writeDouble(g, ((Number) value).doubleValue());
            }
        }
    }

    /** Primitive number arrays; short ones on one line. */
    private static final class NumberArraySerializer<T> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;

        NumberArraySerializer(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T array, JsonGenerator g, SerializerProvider provider) throws IOException {
            int n = Array.getLength(array);
            if (n <= INLINE_NUMBERS && g.getPrettyPrinter() instanceof Printer printer) {
                printer.inlineNextArray();
            }
            g.writeStartArray(array, n);
            for (int i = 0; i < n; i++) {
                if (array instanceof double[] d) {
                    writeDouble(g, d[i]);
                } else if (array instanceof float[] f) {
                    writeFloat(g, f[i]);
                } else if (array instanceof long[] l) {
                    g.writeNumber(l[i]);
                } else {
                    g.writeNumber(((int[]) array)[i]);
                }
            }
            g.writeEndArray();
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeNull();
        }
    }

    private static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(f);
        } else {
            g.writeNull();
        }
    }
}
