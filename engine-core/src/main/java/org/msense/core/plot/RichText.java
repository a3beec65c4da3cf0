package org.msense.core.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Plot text with light TeX-like markup, parsed into runs: {@code _x} is a subscript and {@code ^x} a
 * superscript, where {@code x} is a braced group ({@code x_{max}}), a run of digits with an optional
 * leading minus ({@code σ_30}, {@code 10^-3}) or else one character ({@code ‖·‖_F}). {@code \_}, {@code \^}
 * and {@code \\} are literal; an {@code _} or {@code ^} with nothing usable after it is literal too.
 */
final class RichText {
    /** A piece of text at the baseline ({@code shift == 0}), lowered (-1, subscript) or raised (+1). */
    record Run(String text, int shift) {
    }

    /** Size of sub- and superscripts relative to the surrounding text. */
    static final double SCRIPT_SCALE = 0.7;
    /** Baseline offset (downward, in units of the font size) of a subscript. */
    static final double SUB_DROP = 0.2;
    /** Baseline offset (upward, in units of the font size) of a superscript. */
    static final double SUP_RISE = 0.38;

    private final List<Run> runs;
    private final String source;

    private RichText(String source, List<Run> runs) {
        this.source = source;
        this.runs = runs;
    }

    static RichText parse(String s) {
        String text = s == null ? "" : s;
        List<Run> runs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && "_^\\".indexOf(text.charAt(i + 1)) >= 0) {
                cur.append(text.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '_' || c == '^') {
                int end = scriptEnd(text, i + 1);
                if (end > i + 1) {
                    String body = text.substring(i + 1, end);
                    if (body.startsWith("{")) {
                        body = body.substring(1, body.length() - 1);
                    }
                    if (!body.isEmpty()) {
                        flush(runs, cur, 0);
                        cur.append(body);
                        flush(runs, cur, c == '_' ? -1 : 1);
                    }
                    i = end;
                    continue;
                }
            }
            cur.append(c);
            i++;
        }
        flush(runs, cur, 0);
        return new RichText(text, List.copyOf(runs));
    }

    /** End (exclusive) of the script starting at {@code j}, or {@code j} when there is none. */
    private static int scriptEnd(String t, int j) {
        if (j >= t.length()) {
            return j;
        }
        char c = t.charAt(j);
        if (c == '{') {
            int close = t.indexOf('}', j + 1);
            return close < 0 ? j : close + 1;
        }
        int k = j;
        if ((c == '-' || c == '−') && k + 1 < t.length() && Character.isDigit(t.charAt(k + 1))) {
            k++;
        }
        if (Character.isDigit(t.charAt(k))) {
            while (k < t.length() && Character.isDigit(t.charAt(k))) {
                k++;
            }
            return k;
        }
        if (Character.isWhitespace(c)) {
            return j;
        }
        return j + Character.charCount(t.codePointAt(j));
    }

    private static void flush(List<Run> runs, StringBuilder cur, int shift) {
        if (cur.length() > 0) {
            runs.add(new Run(cur.toString(), shift));
            cur.setLength(0);
        }
    }

    List<Run> runs() {
        return runs;
    }

    /** The text as given, markup included. */
    String source() {
        return source;
    }

    /** The text without markup (scripts inline). */
    String plain() {
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            sb.append(r.text());
        }
        return sb.toString();
    }

    boolean isBlank() {
        return plain().isBlank();
    }

    /** Estimated width in pixels at font size {@code size}. */
    double width(double size, boolean bold) {
        double w = 0;
        for (Run r : runs) {
            w += TextMetrics.width(r.text(), r.shift() == 0 ? size : size * SCRIPT_SCALE, bold);
        }
        return w;
    }
}
