package org.msense.lab.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.msense.core.spec.InvalidSpecException;

/**
 * One parameter of {@code msense run}: its name (the same on the command line, as {@code --name}, and in a
 * JSON config, as {@code "name"}), its kind, default, help text and group. Parses values from command-line
 * text and from JSON values, with errors that name the parameter.
 *
 * @param name         e.g. {@code step-size}
 * @param kind         the value's type
 * @param defaultValue the default (null: none, or derived from other parameters as the help says)
 * @param hint         placeholder shown in help, e.g. {@code N}
 * @param help         one or two sentences for {@code --help}
 * @param group        heading under which help lists it
 */
public record Parameter(String name, Kind kind, Object defaultValue, String hint, String help, String group) {

    /** Value types. Lists are written as comma-separated text on the command line and arrays in JSON. */
    public enum Kind {
        INT, LONG, DOUBLE, STRING, PATH, FLAG, DOUBLE_LIST, LONG_LIST
    }

    /** Parses command-line text. */
    public Object parse(String text) {
        String t = text == null ? "" : text.trim();
        try {
            return switch (kind) {
                case INT -> Integer.parseInt(t);
                case LONG -> Long.parseLong(t);
                case DOUBLE -> parseDouble(t);
                case STRING -> t;
                case PATH -> {
                    if (t.isEmpty()) {
                        throw new InvalidSpecException(name, "needs a path");
                    }
                    yield Path.of(t);
                }
                case FLAG -> parseBoolean(t);
                case DOUBLE_LIST -> splitList(t).stream().mapToDouble(this::parseDouble).toArray();
                case LONG_LIST -> splitList(t).stream().mapToLong(Long::parseLong).toArray(); // entries come trimmed
            };
        } catch (NumberFormatException e) {
            String tooLarge = tooLarge(t);
            throw new InvalidSpecException(name, tooLarge != null ? tooLarge
                    : "expected " + describeKind() + ", got '" + text + "'");
        }
    }

    /** For an integer out of range ("2147483648" as an int): the message that says so; else null. */
    private String tooLarge(String t) {
        if (kind != Kind.INT && kind != Kind.LONG && kind != Kind.LONG_LIST) {
            return null;
        }
        for (String part : kind == Kind.LONG_LIST ? splitList(t) : List.of(t)) {
            String p = part.trim();
            if (p.matches("[+-]?\\d+")) {
                java.math.BigInteger v = new java.math.BigInteger(p);
                long min = kind == Kind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long max = kind == Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (v.compareTo(java.math.BigInteger.valueOf(max)) > 0 || v.compareTo(java.math.BigInteger.valueOf(min)) < 0) {
                    return p + " is too " + (v.signum() > 0 ? "large" : "small") + ": an integer from " + min + " to "
                            + max + " is expected";
                }
            }
        }
        return null;
    }

    /**
     * Converts a value read from a JSON config to this parameter's type. Integers accept any integral number
     * (also {@code 1e3} or {@code 20.0}); numbers must be finite; a list accepts a single value as a list of one.
     *
     * @param value the JSON value (null or a {@code NullNode} for JSON {@code null})
     * @param where names the file and the key's line in messages, e.g. {@code experiment.json line 4}
     * @throws InvalidSpecException when the value does not fit, e.g.
     *                              {@code experiment.json line 4: "step-size" must be a number, got "abc"}
     */
    public Object fromJson(JsonNode value, String where) {
        String what = where + ": \"" + name + "\"";
        if (value == null || value.isNull()) {
            throw new InvalidSpecException(name, what + " is null; give " + describeKind() + " or leave the key out");
        }
        return switch (kind) {
            case INT -> {
                long l = integer(value, what, "must be an integer");
                if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
                    throw new InvalidSpecException(name, what + " must be an integer from " + Integer.MIN_VALUE + " to "
                            + Integer.MAX_VALUE + ", got " + l);
                }
                yield (int) l;
            }
            case LONG -> integer(value, what, "must be an integer");
            case DOUBLE -> number(value, what, "must be a number");
            case STRING -> {
                if (value.isTextual()) {
                    yield value.textValue();
                }
                throw new InvalidSpecException(name, what + " must be a string, got " + show(value));
            }
            case PATH -> {
                if (value.isTextual() && !value.textValue().isBlank()) {
                    yield Path.of(value.textValue());
                }
                throw new InvalidSpecException(name, what + " must be a path string, got " + show(value));
            }
            case FLAG -> {
                if (value.isBoolean()) {
                    yield value.booleanValue();
                }
                throw new InvalidSpecException(name, what + " must be true or false, got " + show(value));
            }
            case DOUBLE_LIST -> {
                List<JsonNode> items = listOf(value, what);
                double[] out = new double[items.size()];
                String must = value.isArray() ? "must hold numbers" : "must be a number or a list of numbers";
                for (int i = 0; i < out.length; i++) {
                    out[i] = number(items.get(i), what, must);
                }
                yield out;
            }
            case LONG_LIST -> {
                List<JsonNode> items = listOf(value, what);
                long[] out = new long[items.size()];
                String must = value.isArray() ? "must hold integers" : "must be an integer or a list of integers";
                for (int i = 0; i < out.length; i++) {
                    out[i] = integer(items.get(i), what, must);
                }
                yield out;
            }
        };
    }

    /** The value as JSON-ready data: numbers, strings, booleans, {@code double[]}/{@code long[]} for lists. */
    public Object toJson(Object value) {
        return kind == Kind.PATH && value != null ? value.toString() : value;
    }

    /** The value as command-line text. */
    public String format(Object value) {
        if (value == null) {
            return "";
        }
        return switch (kind) {
            case DOUBLE -> formatDouble((Double) value);
            case DOUBLE_LIST -> {
                StringBuilder sb = new StringBuilder();
                for (double d : (double[]) value) {
                    sb.append(sb.length() == 0 ? "" : ",").append(formatDouble(d));
                }
                yield sb.toString();
            }
            case LONG_LIST -> {
                StringBuilder sb = new StringBuilder();
                for (long d : (long[]) value) {
                    sb.append(sb.length() == 0 ? "" : ",").append(d);
                }
                yield sb.toString();
            }
            default -> value.toString();
        };
    }

    /** Short text for a double: 0.25, 1e-3, 1000. */
    public static String formatDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e7) {
            return Long.toString((long) d);
        }
        double lg = Math.log10(Math.abs(d));
        if (d != 0 && lg == Math.rint(lg)) {
            return (d < 0 ? "-" : "") + "1e" + (long) lg;
        }
        String s = Double.toString(d);
        return s.contains("E") ? String.format(Locale.ROOT, "%.6g", d).replaceAll("\\.?0+e", "e") : s;
    }

    private String describeKind() {
        return switch (kind) {
            case INT, LONG -> "an integer";
            case DOUBLE -> "a number";
            case STRING -> "text";
            case PATH -> "a path";
            case FLAG -> "true or false";
            case DOUBLE_LIST -> "a number or a comma-separated list of numbers";
            case LONG_LIST -> "an integer or a comma-separated list of integers";
        };
    }

    private double parseDouble(String t) {
        return Double.parseDouble(t.trim());
    }

    private Boolean parseBoolean(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "", "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new InvalidSpecException(name, "expected true or false, got '" + t + "'");
        };
    }

    private List<String> splitList(String t) {
        List<String> parts = new ArrayList<>();
        for (String p : t.split(",", -1)) {
            if (p.isBlank()) {
                throw new InvalidSpecException(name, "empty entry in the list '" + t + "'");
            }
            parts.add(p.trim());
        }
        return parts;
    }

    /** An integral number that fits in a long (an integral double up to 9e15 counts: 1e3, 20.0). */
    private long integer(JsonNode v, String what, String must) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9e15) {
                return (long) d;
            }
        }
        throw new InvalidSpecException(name, what + " " + must + ", got " + show(v));
    }

    private double number(JsonNode v, String what, String must) {
        if (!v.isNumber()) {
            throw new InvalidSpecException(name, what + " " + must + ", got " + show(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new InvalidSpecException(name, what + " is too large for a 64-bit float (the largest is about 1.8e308)");
        }
        return d;
    }

    private List<JsonNode> listOf(JsonNode value, String what) {
        if (!value.isArray()) {
            return List.of(value);
        }
        if (value.isEmpty()) {
            throw new InvalidSpecException(name, what + " is an empty list; give at least one value");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** A JSON value as it would be written, shortened: {@code "abc"}, {@code 2.5}, {@code [1,2]}. */
    private static String show(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
