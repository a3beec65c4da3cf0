package org.msense.core.run;

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
                case DOUBLE_LIST -> {
                    List<Double> out = new ArrayList<>();
                    for (String part : splitList(t)) {
                        out.add(parseDouble(part));
                    }
                    yield toDoubles(out);
                }
                case LONG_LIST -> {
                    List<Long> out = new ArrayList<>();
                    for (String part : splitList(t)) {
                        out.add(Long.parseLong(part.trim()));
                    }
                    yield out.stream().mapToLong(Long::longValue).toArray();
                }
            };
        } catch (NumberFormatException e) {
            throw new InvalidSpecException(name, "expected " + describeKind() + ", got '" + text + "'");
        }
    }

    /**
     * Converts a value parsed from JSON ({@link org.msense.core.io.Json}) to this parameter's type.
     *
     * @param source file name for messages
     */
    public Object fromJson(Object value, String source) {
        String where = source + ": \"" + name + "\"";
        if (value == null) {
            throw new InvalidSpecException(name, where + " is null; give " + describeKind() + " or leave the key out");
        }
        switch (kind) {
            case INT, LONG -> {
                if (value instanceof Long l) {
                    if (kind == Kind.INT && (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE)) {
                        throw new InvalidSpecException(name, where + " = " + l + " is out of range");
                    }
                    return kind == Kind.INT ? (Object) l.intValue() : (Object) l;
                }
                if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
                    long l = d.longValue();
                    return kind == Kind.INT ? (Object) (int) l : (Object) l;
                }
                throw new InvalidSpecException(name, where + " must be an integer, got " + value);
            }
            case DOUBLE -> {
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                throw new InvalidSpecException(name, where + " must be a number, got " + quote(value));
            }
            case STRING -> {
                if (value instanceof String s) {
                    return s;
                }
                throw new InvalidSpecException(name, where + " must be a string, got " + value);
            }
            case PATH -> {
                if (value instanceof String s && !s.isBlank()) {
                    return Path.of(s);
                }
                throw new InvalidSpecException(name, where + " must be a path string, got " + quote(value));
            }
            case FLAG -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                throw new InvalidSpecException(name, where + " must be true or false, got " + quote(value));
            }
            case DOUBLE_LIST -> {
                List<Double> out = new ArrayList<>();
                for (Object o : listOf(value)) {
                    if (!(o instanceof Number n)) {
                        throw new InvalidSpecException(name, where + " must hold numbers, got " + quote(o));
                    }
                    out.add(n.doubleValue());
                }
                return toDoubles(out);
            }
            case LONG_LIST -> {
                List<Long> out = new ArrayList<>();
                for (Object o : listOf(value)) {
                    if (o instanceof Long l) {
                        out.add(l);
                    } else {
                        throw new InvalidSpecException(name, where + " must hold integers, got " + quote(o));
                    }
                }
                return out.stream().mapToLong(Long::longValue).toArray();
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** The value as JSON-ready data (numbers, strings, lists). */
    public Object toJson(Object value) {
        if (value == null) {
            return null;
        }
        return switch (kind) {
            case PATH -> value.toString();
            case DOUBLE_LIST -> {
                List<Double> l = new ArrayList<>();
                for (double d : (double[]) value) {
                    l.add(d);
                }
                yield l;
            }
            case LONG_LIST -> {
                List<Long> l = new ArrayList<>();
                for (long d : (long[]) value) {
                    l.add(d);
                }
                yield l;
            }
            default -> value;
        };
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
        double d = Double.parseDouble(t.trim());
        return d;
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

    private List<?> listOf(Object value) {
        if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                throw new InvalidSpecException(name, "the list is empty");
            }
            return l;
        }
        return List.of(value);
    }

    private static double[] toDoubles(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String quote(Object o) {
        return o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    }
}
