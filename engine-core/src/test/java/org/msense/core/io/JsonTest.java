package org.msense.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    private static Object parse(String text) {
        return Json.parse(text, "t.json");
    }

    private static String error(String text) {
        return assertThrows(JsonException.class, () -> Json.parse(text, "t.json")).getMessage();
    }

    // ----- parsing: the value model -----

    @Test
    void parsesEveryKindOfValueIntoTheDocumentedTypes() {
        Object v = parse("{\"b\": true, \"a\": [1, 2.5, \"x\", null, false, {}], \"z\": {\"k\": -3}}");
        LinkedHashMap<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("b", "a", "z"), new ArrayList<>(m.keySet()), "keys in file order");
        assertEquals(Boolean.TRUE, m.get("b"));
        ArrayList<?> a = assertInstanceOf(ArrayList.class, m.get("a"));
        assertEquals(Arrays.asList(1L, 2.5, "x", null, false, Map.of()), a);
        assertInstanceOf(Long.class, a.get(0));
        assertInstanceOf(Double.class, a.get(1));
        assertEquals(Map.of("k", -3L), m.get("z"));
        assertNull(parse(" null "));
        assertEquals("s", parse("\"s\""));
        assertEquals(List.of(), parse("[]"));
        assertEquals(List.of(List.of(List.of())), parse("[[[]]]"));
        assertEquals(7L, parse("\n\t\r 7 \r\n"));
    }

    @Test
    void numbers() {
        assertEquals(0L, parse("0"));
        assertEquals(0L, parse("-0"), "an integer: -0 is the integer zero");
        Object negZero = parse("-0.0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) negZero), "sign kept");
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
        assertEquals(9.223372036854775808e18, parse("9223372036854775808"), "beyond long: a double");
        assertEquals(-9.223372036854775809e18, parse("-9223372036854775809"));
        assertEquals(1e30, parse("1000000000000000000000000000000"));
        assertEquals(100.0, parse("1E2"), "an exponent makes it a double");
        assertInstanceOf(Double.class, parse("1E2"));
        assertEquals(1500.0, parse("1.5e+3"));
        assertEquals(-2.5e-3, parse("-2.5E-3"));
        assertEquals(1e308, parse("1e308"));
        assertEquals(4.9e-324, parse("4.9e-324"));
        assertEquals(0.0, parse("1e-400"), "underflow rounds to zero");
        assertEquals(0.1, parse("0.1"));
        assertEquals(1.7976931348623157e308, parse("1.7976931348623157e308"));
        assertEquals("t.json:1:2: the number 1e400 is too large for a 64-bit float (the largest is about 1.8e308)",
                error("[1e400]"));
        assertTrue(error("-1" + "0".repeat(400)).contains("too large"));
    }

    @Test
    void malformedNumbers() {
        assertEquals("t.json:1:1: leading zeros are not allowed in JSON numbers, found '012'", error("012"));
        assertEquals("t.json:1:4: expected a digit after the decimal point, found ']'", error("[1.]"));
        assertEquals("t.json:1:2: expected a digit after '-', found the end of the input", error("-"));
        assertEquals("t.json:1:3: expected a digit in the exponent, found 'x'", error("1ex"));
        assertEquals("t.json:1:4: expected a digit in the exponent, found the end of the input", error("1e+"));
        assertEquals("t.json:1:1: expected a JSON value, found '.'; JSON numbers start with a digit, e.g. 0.5",
                error(".5"));
        assertEquals("t.json:1:1: expected a JSON value, found '+'; JSON numbers have no '+' sign", error("+1"));
        assertEquals("t.json:1:2: expected the end of the input after the JSON value, found 'x10'", error("0x10"));
    }

    @Test
    void nanAndInfinityAreRejectedWithTheirPosition() {
        assertEquals("c.json:2:12: NaN is not a JSON number; write a finite number",
                assertThrows(JsonException.class, () -> Json.parse("{\n  \"alpha\": NaN\n}", "c.json")).getMessage());
        assertEquals("t.json:1:2: Infinity is not a JSON number; write a finite number", error("[Infinity]"));
        assertEquals("t.json:1:5: -Infinity is not a JSON number; write a finite number", error("[1, -Infinity]"));
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"alpha\": NaN\n}", "c.json"));
        assertEquals("c.json", e.source());
        assertEquals(2, e.line());
        assertEquals(12, e.column());
    }

    @Test
    void stringsAndEscapes() {
        assertEquals("\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("é€", parse("\"\\u00e9\\u20AC\""));
        assertEquals("\uD83D\uDE00", parse("\"\\ud83d\\ude00\""), "a surrogate pair");
        assertEquals(0x1F600, ((String) parse("\"\\uD83D\\uDE00\"")).codePointAt(0));
        assertEquals("ünïcödé 😀", parse("\"ünïcödé 😀\""), "raw non-ASCII");
        assertEquals("\uD800x", parse("\"\\uD800x\""), "an unpaired surrogate is kept");
        assertEquals("", parse("\"\""));
        assertEquals("a\u007fb", parse("\"a\u007fb\""), "DEL is not a control character in JSON");
    }

    @Test
    void malformedStrings() {
        assertEquals("t.json:1:4: invalid escape '\\x' in a string; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t"
                + " and \\uXXXX (for a backslash write \\\\)", error("\"ab\\x\""));
        assertEquals("t.json:1:6: expected 4 hex digits after \\u, found 'G4'", error("\"\\u12G4\""));
        assertEquals("t.json:1:5: expected 4 hex digits after \\u, found '\"'", error("\"\\u1\""));
        assertEquals("t.json:1:4: control character U+000A in a string; write it as \\n (or close the string before"
                + " the line ends)", error("\"ab\ncd\""));
        assertEquals("t.json:1:2: control character U+0001 in a string; write it as \\u0001", error("\"\u0001\""));
        assertEquals("t.json:1:10: this string is never closed: expected '\"' before the end of the input",
                error("{\"a\": 1, \"b"));
        assertEquals("t.json:1:1: this string is never closed: expected '\"' before the end of the input",
                error("\"abc\\"));
    }

    @Test
    void structuralErrorsGiveLineColumnExpectedAndFound() {
        assertEquals("cfg.json:3:10: expected ',' or '}' after a value, found 'x'",
                assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\": 2 x\n}", "cfg.json"))
                        .getMessage());
        assertEquals("t.json:1:1: expected a JSON value, found the end of the input", error(""));
        assertEquals("t.json:2:3: expected a JSON value, found the end of the input", error(" \n  "));
        assertEquals("t.json:1:9: expected a string key after ',', found '}'; JSON does not allow a comma before '}'",
                error("{\"a\": 1,}"));
        assertEquals("t.json:1:5: expected a JSON value after ',', found ']'; JSON does not allow a comma before ']'",
                error("[1, ]"));
        assertEquals("t.json:1:6: expected ':' after the key \"a\", found '1'", error("{\"a\" 1}"));
        assertEquals("t.json:1:2: expected a string key or '}', found 'a'; keys must be in double quotes",
                error("{a: 1}"));
        assertEquals("t.json:1:2: expected a string key or '}', found \"'\"; JSON strings use double quotes",
                error("{'a': 1}"));
        assertEquals("t.json:1:9: expected ',' or '}' after a value, found '\"'; is a ',' missing?",
                error("{\"a\": 1 \"b\": 2}"));
        assertEquals("t.json:1:4: expected ',' or ']' after a value, found '2'; is a ',' missing?", error("[1 2]"));
        assertEquals("t.json:1:3: expected ',' or ']' after a value, found the end of the input", error("[1"));
        assertEquals("t.json:1:3: expected ',' or ']' after a value, found '}'", error("[1}"));
        assertEquals("t.json:1:4: expected the end of the input after the JSON value, found '{'", error("{} {}"));
        assertEquals("t.json:1:2: expected the end of the input after the JSON value, found ','; a document holds"
                + " one value: put several in [ ]", error("1,2"));
        assertEquals("t.json:1:1: expected a JSON value, found 'True'; JSON's literals are true, false and null,"
                + " in lower case", error("True"));
        assertEquals("t.json:1:1: expected a JSON value, found 'truex'; strings must be in double quotes",
                error("truex"));
        assertEquals("t.json:1:7: expected a JSON value, found '/'; JSON does not allow comments",
                error("{\"a\": // one\n1}"));
        assertEquals("t.json:1:7: expected a JSON value, found '}'", error("{\"a\": }"));
        assertEquals("t.json:1:2: expected a JSON value, found U+00A0 (a no-break space)", error("[\u00a01]"));
    }

    @Test
    void linesAndColumnsCountLineBreaksAndCodePoints() {
        assertEquals("t.json:3:2: expected ',' or ']' after a value, found 'x'", error("[1,\r\n2,\r\n3x]"),
                "CR LF is one line break");
        assertEquals("t.json:3:1: expected a JSON value, found 'x'; strings must be in double quotes",
                error("[1,\r2,\rx]"), "a lone CR breaks lines");
        assertEquals("t.json:1:5: expected ',' or ']' after a value, found 'y'", error("[\"😀\"y]"),
                "an astral character is one column");
        assertEquals("t.json:1:3: expected ',' or ']' after a value, found 'z'", error("\uFEFF[1z]"),
                "a byte order mark is skipped and not counted");
        assertEquals(List.of(1L), parse("\uFEFF[1]"));
    }

    @Test
    void duplicateKeysAreRejectedNamingTheKey() {
        assertEquals("t.json:3:3: duplicate key \"alpha\" in one object (first at line 2, column 3); give each key once",
                error("{\n  \"alpha\": 1,\n  \"alpha\": 2\n}"));
        assertTrue(error("{\"a\": {\"b\": 1, \"\\u0062\": 2}}").contains("duplicate key \"b\""), "compared unescaped");
        assertEquals(Map.of("a", Map.of("a", 1L)), parse("{\"a\": {\"a\": 1}}"), "the same key in nested objects is fine");
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertTrue(error(deep).contains("nested more than " + Json.MAX_DEPTH), error(deep));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, parse(ok));
    }

    // ----- writing -----

    enum Color { RED }

    @Test
    void writesPrettyJsonInMapOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "completed");
        m.put("n1", 40);
        m.put("alpha", 1e-4);
        m.put("ok", true);
        m.put("none", null);
        m.put("color", Color.RED);
        m.put("sigma", new double[] {3.0, 2.5, Double.NaN});
        m.put("empty", List.of());
        m.put("nested", Map.of("k", List.of("a", Map.of())));
        m.put("e", new LinkedHashMap<>());
        String expected = String.join("\n",
                "{",
                "  \"status\": \"completed\",",
                "  \"n1\": 40,",
                "  \"alpha\": 1.0E-4,",
                "  \"ok\": true,",
                "  \"none\": null,",
                "  \"color\": \"RED\",",
                "  \"sigma\": [3.0, 2.5, null],",
                "  \"empty\": [],",
                "  \"nested\": {",
                "    \"k\": [",
                "      \"a\",",
                "      {}",
                "    ]",
                "  },",
                "  \"e\": {}",
                "}");
        assertEquals(expected, Json.write(m));
    }

    @Test
    void numberArraysGoOnOneLineUpToSixteenElements() {
        long[] sixteen = new long[16];
        long[] seventeen = new long[17];
        assertEquals("[" + "0, ".repeat(15) + "0]", Json.write(sixteen));
        assertEquals("[\n" + "  0,\n".repeat(16) + "  0\n]", Json.write(seventeen));
        assertEquals("[1, 2]", Json.write(new int[] {1, 2}));
        assertEquals("[0.5, -1.0]", Json.write(new float[] {0.5f, -1f}));
        assertEquals("[1, null, 2.5]", Json.write(Arrays.asList(1L, null, 2.5)));
        assertEquals("[\n  \"a\"\n]", Json.write(new Object[] {"a"}), "arrays of strings are not inlined");
        assertEquals("[]", Json.write(new double[0]));
    }

    @Test
    void scalarsAndSpecialNumbers() {
        assertEquals("null", Json.write(null));
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY), "JSON has no infinity");
        assertEquals("null", Json.write(Float.NaN));
        assertEquals("-0.0", Json.write(-0.0));
        assertEquals("1.0", Json.write(1.0), "doubles keep their decimal point");
        assertEquals("12", Json.write(12));
        assertEquals("-9223372036854775808", Json.write(Long.MIN_VALUE));
        assertEquals("123456789012345678901234567890", Json.write(new java.math.BigInteger("123456789012345678901234567890")));
        assertEquals("4.9E-324", Json.write(Double.MIN_VALUE));
        assertEquals("\"q\\\"\\\\\\n\\t\\u0001\\ud800 é😀\"", Json.write("q\"\\\n\t\u0001\uD800 é😀"));
        assertEquals("\"path/x\"", Json.write(new StringBuilder("path/x")));
    }

    @Test
    void unsupportedTypesAndCyclesAreReportedWithTheirLocation() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("problem", Map.of("source", List.of(1, Path.of("p"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(m));
        assertTrue(e.getMessage().contains("$.problem.source[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("Path"), e.getMessage());
        List<Object> self = new ArrayList<>();
        self.add(self);
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> Json.write(self));
        assertTrue(c.getMessage().contains("contains itself") && c.getMessage().contains("$[0]"), c.getMessage());
        List<Object> shared = List.of(1L);
        assertEquals("[\n  [1],\n  [1]\n]", Json.write(List.of(shared, shared)), "a value used twice is not a cycle");
    }

    @Test
    void writtenJsonParsesBackToTheSameValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> doubles = new ArrayList<>();
        for (double d : new double[] {0.1, 1.0 / 3, -0.0, 0.0, 1e22, 1e23, 1e-4, 123456.789, Double.MIN_VALUE,
            Double.MAX_VALUE, -Double.MIN_NORMAL, Math.PI, 2e-7, 9007199254740993.0, 0.30000000000000004}) {
            doubles.add(d);
        }
        m.put("doubles", doubles);
        m.put("longs", new ArrayList<>(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53)));
        m.put("text", "tab\t \"quoted\" back\\slash é 😀 \u0000 \u001f /");
        m.put("flags", new ArrayList<>(Arrays.asList(true, false, null)));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("", "empty key");
        inner.put("k\"ey", new ArrayList<>());
        inner.put("many", new ArrayList<>(java.util.Collections.nCopies(40, 2.5)));
        m.put("inner", inner);
        String text = Json.write(m);
        Object back = Json.parse(text, "w.json");
        assertEquals(m, back);
        assertEquals(text, Json.write(back), "writing is stable");
        // Double.equals compares bits, so the signed zero survived
        assertEquals(-0.0, ((List<?>) ((Map<?, ?>) back).get("doubles")).get(2));
    }

    @Test
    void parsedTextIsWrittenBackIdentically() {
        String text = "{\n  \"a\": [1, 2.5, -3.0E-5],\n  \"b\": {\n    \"c\": \"d\"\n  },\n  \"e\": null\n}";
        assertEquals(text, Json.write(Json.parse(text, "x")));
    }

    // ----- accessors -----

    @Test
    void accessorsReturnTypedValuesAndNameTheFieldOtherwise() {
        Map<String, Object> cfg = Json.asObject(parse("{\"n\": 5, \"x\": 1e3, \"s\": \"v\", \"b\": true, \"l\": [1]}"),
                "t.json");
        assertEquals(5, Json.asInt(cfg.get("n"), "n"));
        assertEquals(1000L, Json.asLong(cfg.get("x"), "x"), "an integral double is an integer");
        assertEquals(1000.0, Json.asDouble(cfg.get("x"), "x"));
        assertEquals(5.0, Json.asDouble(cfg.get("n"), "n"));
        assertEquals("v", Json.asString(cfg.get("s"), "s"));
        assertTrue(Json.asBoolean(cfg.get("b"), "b"));
        assertEquals(List.of(1L), Json.asArray(cfg.get("l"), "l"));

        assertEquals("t.json: \"l\" must be a JSON object, found an array",
                assertThrows(JsonException.class, () -> Json.asObject(cfg.get("l"), "t.json: \"l\"")).getMessage());
        assertEquals("t.json: \"rank\" must be an integer, found a string (\"three\")",
                assertThrows(JsonException.class, () -> Json.asLong("three", "t.json: \"rank\"")).getMessage());
        assertEquals("w must be an integer, found the number 2.5",
                assertThrows(JsonException.class, () -> Json.asInt(2.5, "w")).getMessage());
        assertEquals("w must be an integer from -2147483648 to 2147483647, found 3000000000",
                assertThrows(JsonException.class, () -> Json.asInt(3_000_000_000L, "w")).getMessage());
        assertEquals("s must be a string, found the integer 5",
                assertThrows(JsonException.class, () -> Json.asString(5L, "s")).getMessage());
        assertEquals("b must be true or false, found null",
                assertThrows(JsonException.class, () -> Json.asBoolean(null, "b")).getMessage());
        assertEquals("d must be a number, found true",
                assertThrows(JsonException.class, () -> Json.asDouble(true, "d")).getMessage());
        assertEquals("a must be a JSON array, found an object",
                assertThrows(JsonException.class, () -> Json.asArray(Map.of(), "a")).getMessage());
        assertThrows(JsonException.class, () -> Json.asLong(1e300, "big"));
    }

    // ----- interop with Python's json module -----

    @Test
    void pythonReadsWhatThisWrites() throws Exception {
        PythonRunner.assumePython();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "tab\t \"q\" \\ é 😀 \u0001 \u2028");
        m.put("doubles", new double[] {0.1, -0.0, 1e-4, 1.7976931348623157e308, 5e-324, Double.NaN, 1e22});
        m.put("longs", new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        m.put("nested", List.of(Map.of("a", true), List.of(), Map.of()));
        m.put("nothing", null);
        String written = Json.write(m);
        // Python parses strictly (no NaN constants) and writes the value back compactly.
        String out = PythonRunner.run(dir, String.join("\n",
                "import json, sys",
                "def reject(name):",
                "    raise ValueError('non-standard constant ' + name)",
                "doc = json.loads(sys.stdin.read(), parse_constant=reject)",
                "assert doc['doubles'][5] is None",
                "assert doc['longs'][0] == 9223372036854775807",
                "assert repr(doc['doubles'][1]) == '-0.0'",
                "sys.stdout.write(json.dumps(doc, allow_nan=False))"), written);
        Object expected = Json.parse(written, "written");
        assertEquals(expected, Json.parse(out, "python"), "python sees the same values: " + out);
    }

    @Test
    void readsWhatPythonWrites() throws Exception {
        PythonRunner.assumePython();
        String out = PythonRunner.run(dir, String.join("\n",
                "import json, sys",
                "doc = {'s': 'é 😀 \\\\ \"', 'f': [0.1, -0.0, 1e-300, 1.5e300, 2**70], 'i': -2**63, 'b': [True, False, None]}",
                "sys.stdout.write(json.dumps(doc, indent=4, ensure_ascii=True))"));
        assertTrue(out.contains("\\ud83d\\ude00"), "python escapes the astral character as a surrogate pair: " + out);
        Map<String, Object> doc = Json.asObject(Json.parse(out, "python"), "python");
        assertEquals("é 😀 \\ \"", doc.get("s"));
        assertEquals(Arrays.asList(0.1, -0.0, 1e-300, 1.5e300, 1180591620717411303424.0), doc.get("f"));
        assertEquals(Long.MIN_VALUE, doc.get("i"));
        assertEquals(Arrays.asList(true, false, null), doc.get("b"));
        assertFalse(doc.containsKey("x"));
    }
}
