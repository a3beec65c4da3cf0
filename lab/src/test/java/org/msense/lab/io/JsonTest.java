package org.msense.lab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    private static String error(String text) {
        return assertThrows(JsonException.class, () -> Json.readTree(text, "t.json")).getMessage();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readMap(String text) throws Exception {
        return Json.mapper().readValue(text, Map.class);
    }

    // ----- reading: strict, with the position and what is wrong -----

    @Test
    void nanAndInfinityAreRejectedWithTheirLine() {
        JsonException e = assertThrows(JsonException.class, () -> Json.readTree("{\n  \"alpha\": NaN\n}", "c.json"));
        assertEquals("c.json line 2, column 15: NaN is not a JSON number; write a finite number", e.getMessage());
        assertEquals("c.json", e.source());
        assertEquals(2, e.line());
        assertTrue(error("[Infinity]").endsWith(": Infinity is not a JSON number; write a finite number"));
        assertTrue(error("[1, -Infinity]").endsWith(": -Infinity is not a JSON number; write a finite number"));
    }

    @Test
    void duplicateKeysAreRejectedNamingTheKeyAndLine() {
        assertEquals("t.json line 3, column 10: duplicate key \"alpha\" in one object; give each key once",
                error("{\n  \"alpha\": 1,\n  \"alpha\": 2\n}"));
        assertTrue(error("{\"a\": {\"b\": 1, \"\\u0062\": 2}}").contains("duplicate key \"b\""), "compared unescaped");
        assertEquals("{\"a\":{\"a\":1}}", Json.readTree("{\"a\": {\"a\": 1}}", "t").toString(),
                "the same key in nested objects is fine");
        assertThrows(Exception.class, () -> readMap("{\"a\": 1, \"a\": 2}"), "the mapper is strict too");
    }

    @Test
    void contentAfterTheValueIsRejected() {
        assertEquals("t.json line 1, column 4: expected the end of the input after the JSON value, found '{'",
                error("{} {}"));
        assertEquals("t.json line 1, column 2: expected the end of the input after the JSON value, found ','",
                error("1,2"));
        assertTrue(error("0x10").contains("expected the end of the input after the JSON value, found 'x'"));
        assertThrows(Exception.class, () -> readMap("{} x"), "the mapper is strict too");
    }

    @Test
    void whatRfc8259DoesNotAllowIsRejectedWithAHint() {
        assertEquals("t.json line 1, column 7: Unexpected character ('/' (code 47)): JSON does not allow comments",
                error("{\"a\": // one\n1}"));
        assertTrue(error("{\"a\": # one\n1}").endsWith("; JSON does not allow comments"));
        assertTrue(error("{\"a\": 1,}").endsWith("; JSON does not allow a comma before '}'"));
        assertTrue(error("[1, ]").endsWith("; JSON does not allow a comma before ']'"));
        assertTrue(error("{'a': 1}").endsWith("; JSON strings use double quotes"));
        assertTrue(error("{a: 1}").endsWith("; keys must be in double quotes"));
        assertTrue(error("True").contains("'True'") && error("True").contains("lower case"));
        assertTrue(error("012").contains("Leading zeroes not allowed"));
        assertTrue(error("\"ab\ncd\"").contains("CTRL-CHAR"));
        assertTrue(error("+1").contains("plus sign"));
        for (String bad : new String[] {"{\"a\": 1,}", "+1", "[NaN]"}) {
            assertFalse(error(bad).contains("enable"), "no advice to enable parser features: " + error(bad));
        }
    }

    @Test
    void structuralErrorsGiveLineAndColumn() {
        assertEquals("cfg.json line 3, column 10: Unexpected character ('x' (code 120)): was expecting comma to"
                        + " separate Object entries",
                assertThrows(JsonException.class, () -> Json.readTree("{\n  \"a\": 1,\n  \"b\": 2 x\n}", "cfg.json"))
                        .getMessage());
        assertEquals("t.json line 1, column 1: expected a JSON value, found the end of the input", error(""));
        assertTrue(error("[1").contains("end-of-input"), error("[1"));
        assertTrue(error("[1}").contains("line 1, column 1"), "names where the array starts: " + error("[1}"));
        assertFalse(error("[1}").contains("Source"), error("[1}"));
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertTrue(error(deep).contains("nesting depth"), error(deep));
        assertInstanceOf(JsonNode.class, Json.readTree("[".repeat(500) + "]".repeat(500), "t"));
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        assertEquals("[1]", Json.readTree("\uFEFF[1]", "t").toString());
    }

    @Test
    void mapsKeepTheKeysInFileOrder() throws Exception {
        Map<String, Object> m = readMap("{\"b\": true, \"a\": [1, 2.5, \"x\", null], \"z\": {\"k\": -3}}");
        assertEquals(List.of("b", "a", "z"), new ArrayList<>(m.keySet()), "keys in file order");
        assertEquals(Arrays.asList(1, 2.5, "x", null), m.get("a"));
        assertEquals(Map.of("k", -3), m.get("z"));
        assertEquals(List.of(Long.MAX_VALUE, new java.math.BigInteger("1180591620717411303424")),
                readMap("{\"big\": [9223372036854775807, 1180591620717411303424]}").get("big"));
    }

    // ----- reading an object with the lines of its keys -----

    @Test
    void membersComeInFileOrderWithTheLinesOfTheirKeys() {
        List<Json.Member> ms = Json.readObject("{\n  \"n1\": 40,\n  \"alpha\": [1e-3,\n    1e-2],\n  \"x\": null}", "c");
        assertEquals(List.of("n1", "alpha", "x"), ms.stream().map(Json.Member::key).toList());
        assertEquals(List.of(2, 3, 5), ms.stream().map(Json.Member::line).toList());
        assertEquals(3, ms.get(0).column());
        assertEquals(40, ms.get(0).value().intValue());
        assertEquals(2, ms.get(1).value().size());
        assertTrue(ms.get(2).value().isNull());
        assertEquals(List.of(), Json.readObject("{}", "c"));
    }

    @Test
    void readObjectRejectsOtherValuesAndBadSyntax() {
        assertEquals("c.json line 1, column 1: expected a JSON object {\"key\": value, ...}, found an array",
                assertThrows(JsonException.class, () -> Json.readObject("[1]", "c.json")).getMessage());
        assertTrue(assertThrows(JsonException.class, () -> Json.readObject("", "c.json")).getMessage()
                .endsWith("found the end of the input"));
        assertEquals("c.json line 3, column 5: duplicate key \"n1\" in one object; give each key once",
                assertThrows(JsonException.class, () -> Json.readObject("{\n\"n1\": 1,\n\"n1\": 2}", "c.json"))
                        .getMessage());
        assertEquals(3, assertThrows(JsonException.class, () -> Json.readObject("{\"a\": 1}\n\n[]", "c.json")).line());
        assertTrue(assertThrows(JsonException.class, () -> Json.readObject("{\"a\": NaN}", "c.json")).getMessage()
                .contains("NaN is not a JSON number"));
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
        assertEquals("[" + "0, ".repeat(15) + "0]", Json.write(new long[16]));
        assertEquals("[\n" + "  0,\n".repeat(16) + "  0\n]", Json.write(new long[17]));
        assertEquals("[1, 2]", Json.write(new int[] {1, 2}));
        assertEquals("[0.5, -1.0, null]", Json.write(new float[] {0.5f, -1f, Float.NaN}));
        assertEquals("[]", Json.write(new double[0]));
        assertEquals("{\n  \"a\": [\n    [1, 2],\n    [3]\n  ]\n}",
                Json.write(Map.of("a", List.of(new long[] {1, 2}, new long[] {3}))), "inline arrays inside others");
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY), "JSON has no infinity");
        assertEquals("null", Json.write(Float.NaN));
        assertEquals("[\n  1.0,\n  null\n]", Json.write(List.of(1.0, Double.NaN)));
        assertEquals("{\n  \"x\": null,\n  \"y\": null\n}", Json.write(new Point(Double.NaN, Double.NEGATIVE_INFINITY)));
    }

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("-0.0", Json.write(-0.0));
        assertEquals("1.0", Json.write(1.0), "doubles keep their decimal point");
        assertEquals("12", Json.write(12));
        assertEquals("-9223372036854775808", Json.write(Long.MIN_VALUE));
        assertEquals("4.9E-324", Json.write(Double.MIN_VALUE));
        assertEquals("\"q\\\"\\\\\\n\\t\\u0001 é😀\"", Json.write("q\"\\\n\t\u0001 é😀"));
    }

    /** A record as the summaries use them. */
    record Point(double x, double y) {
    }

    record Entry(String name, @JsonInclude(JsonInclude.Include.NON_NULL) String error, double[] values, Point at) {
    }

    @Test
    void recordsAreWrittenInComponentOrderAndNullsCanBeLeftOut() {
        assertEquals(String.join("\n",
                "{",
                "  \"name\": \"z\",",
                "  \"values\": [1.5],",
                "  \"at\": {",
                "    \"x\": 1.0,",
                "    \"y\": 2.0",
                "  }",
                "}"), Json.write(new Entry("z", null, new double[] {1.5}, new Point(1, 2))));
        assertTrue(Json.write(new Entry("z", "boom", null, null)).contains("\"error\": \"boom\""));
    }

    @Test
    void writtenJsonReadsBackToTheSameValue() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> doubles = new ArrayList<>();
        for (double d : new double[] {0.1, 1.0 / 3, -0.0, 0.0, 1e22, 1e23, 1e-4, 123456.789, Double.MIN_VALUE,
            Double.MAX_VALUE, -Double.MIN_NORMAL, Math.PI, 2e-7, 9007199254740993.0, 0.30000000000000004}) {
            doubles.add(d);
        }
        m.put("doubles", doubles);
        m.put("longs", new ArrayList<>(List.of(0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53)));
        m.put("text", "tab\t \"quoted\" back\\slash é 😀 \u0000 \u001f /");
        m.put("flags", new ArrayList<>(Arrays.asList(true, false, null)));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("", "empty key");
        inner.put("k\"ey", new ArrayList<>());
        inner.put("many", new ArrayList<>(Collections.nCopies(40, 2.5)));
        m.put("inner", inner);
        String text = Json.write(m);
        Map<String, Object> back = readMap(text);
        assertEquals(m, back);
        assertEquals(text, Json.write(back), "writing is stable");
        // Double.equals compares bits, so the signed zero survived
        assertEquals(-0.0, ((List<?>) back.get("doubles")).get(2));
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
        assertEquals(readMap(written), readMap(out), "python sees the same values: " + out);
    }

    @Test
    void readsWhatPythonWrites() throws Exception {
        PythonRunner.assumePython();
        String out = PythonRunner.run(dir, String.join("\n",
                "import json, sys",
                "doc = {'s': 'é 😀 \\\\ \"', 'f': [0.1, -0.0, 1e-300, 1.5e300, 2**70], 'i': -2**63, 'b': [True, False, None]}",
                "sys.stdout.write(json.dumps(doc, indent=4, ensure_ascii=True))"));
        assertTrue(out.contains("\\ud83d\\ude00"), "python escapes the astral character as a surrogate pair: " + out);
        JsonNode doc = Json.readTree(out, "python");
        assertEquals("é 😀 \\ \"", doc.get("s").textValue());
        assertEquals(List.of(0.1, -0.0, 1e-300, 1.5e300, 1180591620717411303424.0),
                List.of(doc.get("f").get(0).doubleValue(), doc.get("f").get(1).doubleValue(),
                        doc.get("f").get(2).doubleValue(), doc.get("f").get(3).doubleValue(),
                        doc.get("f").get(4).doubleValue()));
        assertEquals(Long.MIN_VALUE, doc.get("i").longValue());
        assertEquals("[true,false,null]", doc.get("b").toString());
    }
}
