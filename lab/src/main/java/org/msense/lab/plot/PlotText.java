package org.msense.lab.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Plot text with light TeX-like markup: {@code _x} is a subscript and {@code ^x} a superscript, where {@code x}
 * is a braced group ({@code x_{max}}), a run of digits with an optional leading minus ({@code σ_30},
 * {@code 10^-3}) or else one character ({@code ‖·‖_F}). {@code \_}, {@code \^} and {@code \\} are literal; an
 * {@code _} or {@code ^} with nothing usable after it is literal too.
 *
 * <p>Scripts made only of characters that Unicode has sub- or superscript forms of (digits, signs, most
 * lower-case letters; capitals only as superscripts) become those characters, so {@code σ_12} is plain text
 * "σ₁₂". Text with other scripts (such as the {@code F} of {@code ‖·‖_F}) is drawn as runs of smaller,
 * lowered or raised text, see {@link #runs()}.
 */
final class PlotText {
    /** A piece of text at the baseline ({@code shift == 0}), lowered (-1, subscript) or raised (+1). */
    record Run(String text, int shift) {
    }

    private static final String PLAIN = "0123456789+-−=()aehijklmnoprstuvxβγρφχ";
    private static final String SUB = "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ";
    private static final String PLAIN_SUP = "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθφχ";
    private static final String SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᵠᵡ";

    private final List<Run> runs;

    private PlotText(List<Run> runs) {
        this.runs = runs;
    }

    static PlotText parse(String s) {
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
        return new PlotText(List.copyOf(runs));
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

    /** The runs: baseline text and scripts, in order. */
    List<Run> runs() {
        return runs;
    }

    /**
     * The runs to draw: scripts with Unicode forms merged into the baseline text as those characters, the
     * others kept as lowered or raised runs.
     */
    List<Run> drawRuns() {
        List<Run> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (Run r : runs) {
            String t = r.shift() == 0 ? r.text() : map(r.text(), r.shift() < 0 ? PLAIN : PLAIN_SUP, r.shift() < 0 ? SUB : SUP);
            if (t != null) {
                cur.append(t);
            } else {
                flush(out, cur, 0);
                out.add(r);
            }
        }
        flush(out, cur, 0);
        return List.copyOf(out);
    }

    /** The text with every script in Unicode sub-/superscript characters, or {@code null} if one has none. */
    String unicode() {
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            String t = r.shift() == 0 ? r.text() : map(r.text(), r.shift() < 0 ? PLAIN : PLAIN_SUP, r.shift() < 0 ? SUB : SUP);
            if (t == null) {
                return null;
            }
            sb.append(t);
        }
        return sb.toString();
    }

    /** {@link #unicode()} where it exists, else the text with the markup dropped and the scripts inline. */
    String simple() {
        String u = unicode();
        if (u != null) {
            return u;
        }
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            String t = r.shift() == 0 ? null : map(r.text(), r.shift() < 0 ? PLAIN : PLAIN_SUP, r.shift() < 0 ? SUB : SUP);
            sb.append(t == null ? r.text() : t);
        }
        return sb.toString();
    }

    /** Whether the text needs runs of smaller text to be drawn as written (no Unicode form for a script). */
    boolean needsRuns() {
        return unicode() == null;
    }

    boolean isBlank() {
        return runs.stream().allMatch(r -> r.text().isBlank());
    }

    /** Unicode superscript form of a string of digits and minus signs, e.g. "-3" → "⁻³". */
    static String superscript(String s) {
        String m = map(s, PLAIN_SUP, SUP);
        return m == null ? s : m;
    }

    private static String map(String s, String from, String to) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            int k = from.indexOf(s.charAt(i));
            if (k < 0) {
                return null;
            }
            sb.append(to.charAt(k));
        }
        return sb.toString();
    }
}
