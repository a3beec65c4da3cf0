package org.msense.core.plot;

import java.util.Locale;

/** Writes the drawing as a standalone SVG 1.1 document, by hand (no XML or graphics library). */
final class SvgCanvas implements Canvas {
    static final String FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";

    private final StringBuilder out = new StringBuilder(1 << 16);
    private final java.util.Map<String, String> clipIds = new java.util.HashMap<>();
    private boolean clipped;

    SvgCanvas(int width, int height, String title) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-family=\"").append(escape(FONT_FAMILY)).append("\">\n");
        if (title != null && !title.isBlank()) {
            out.append("<title>").append(escape(title)).append("</title>\n");
        }
    }

    /** Closes the document and returns it. The canvas must not be used afterwards. */
    String finish() {
        if (clipped) {
            unclip();
        }
        out.append("</svg>\n");
        return out.toString();
    }

    @Override
    public void beginGroup(String kind, String label) {
        out.append("<g class=\"").append(escape(kind)).append('"');
        if (label != null && !label.isEmpty()) {
            out.append(" data-label=\"").append(escape(label)).append('"');
        }
        out.append(">\n");
    }

    @Override
    public void endGroup() {
        out.append("</g>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Stroke stroke) {
        out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append('"');
        stroke(stroke);
        out.append("/>\n");
    }

    @Override
    public void polyline(double[] xs, double[] ys, int n, Stroke stroke) {
        out.append("<polyline fill=\"none\" points=\"");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(num(xs[i])).append(',').append(num(ys[i]));
        }
        out.append('"');
        stroke(stroke);
        out.append("/>\n");
    }

    @Override
    public void marker(Marker shape, double x, double y, double size, int rgb) {
        double r = size / 2;
        switch (shape) {
            case CIRCLE -> out.append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(num(y))
                    .append("\" r=\"")
                    .append(num(r)).append('"');
            case SQUARE -> {
                double h = r * 0.9;
                out.append("<rect x=\"").append(num(x - h)).append("\" y=\"").append(num(y - h)).append("\" width=\"")
                        .append(num(2 * h)).append("\" height=\"").append(num(2 * h)).append('"');
            }
            case TRIANGLE -> polygon(new double[] {x, x + r * 1.1, x - r * 1.1},
                    new double[] {y - r * 1.15, y + r * 0.75, y + r * 0.75});
            case DIAMOND -> polygon(new double[] {x, x + r * 1.05, x, x - r * 1.05},
                    new double[] {y - r * 1.25, y, y + r * 1.25, y});
            default -> throw new IllegalArgumentException(shape.toString());
        }
        out.append(" fill=\"").append(Palette.hex(rgb)).append("\"/>\n");
    }

    private void polygon(double[] xs, double[] ys) {
        out.append("<polygon points=\"");
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(num(xs[i])).append(',').append(num(ys[i]));
        }
        out.append('"');
    }

    @Override
    public void rect(double x, double y, double w, double h, int fillRgb, double fillOpacity, Stroke border) {
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(num(h)).append('"');
        if (fillOpacity > 0) {
            out.append(" fill=\"").append(Palette.hex(fillRgb)).append('"');
            if (fillOpacity < 1) {
                out.append(" fill-opacity=\"").append(num3(fillOpacity)).append('"');
            }
        } else {
            out.append(" fill=\"none\"");
        }
        if (border != null) {
            stroke(border);
        }
        out.append("/>\n");
    }

    @Override
    public void text(RichText text, double x, double y, TextStyle style, Anchor anchor, double angleDeg) {
        out.append("<text xml:space=\"preserve\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" font-size=\"").append(num(style.size())).append('"');
        if (style.bold()) {
            out.append(" font-weight=\"bold\"");
        }
        out.append(" fill=\"").append(Palette.hex(style.rgb())).append('"');
        if (anchor != Anchor.START) {
            out.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
        }
        if (angleDeg != 0) {
            out.append(" transform=\"rotate(").append(num(angleDeg)).append(' ').append(num(x)).append(' ')
                    .append(num(y)).append(")\"");
        }
        out.append('>');
        double offset = 0;
        for (RichText.Run run : text.runs()) {
            double target = switch (run.shift()) {
                case -1 -> RichText.SUB_DROP * style.size();
                case 1 -> -RichText.SUP_RISE * style.size();
                default -> 0;
            };
            if (run.shift() == 0 && target == offset) {
                out.append("<tspan>");
            } else {
                out.append("<tspan");
                if (target != offset) {
                    out.append(" dy=\"").append(num(target - offset)).append('"');
                }
                if (run.shift() != 0) {
                    out.append(" font-size=\"").append(num(style.size() * RichText.SCRIPT_SCALE)).append('"');
                }
                out.append('>');
            }
            offset = target;
            out.append(escape(run.text())).append("</tspan>");
        }
        out.append("</text>\n");
    }

    @Override
    public void clip(double x, double y, double w, double h) {
        if (clipped) {
            unclip();
        }
        String rect = "x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\"";
        String id = clipIds.get(rect);
        if (id == null) {
            id = "clip" + clipIds.size();
            clipIds.put(rect, id);
            out.append("<clipPath id=\"").append(id).append("\"><rect ").append(rect).append("/></clipPath>\n");
        }
        out.append("<g clip-path=\"url(#").append(id).append(")\">\n");
        clipped = true;
    }

    @Override
    public void unclip() {
        if (clipped) {
            out.append("</g>\n");
            clipped = false;
        }
    }

    private void stroke(Stroke s) {
        out.append(" stroke=\"").append(Palette.hex(s.rgb())).append("\" stroke-width=\"").append(num(s.width()))
                .append('"');
        if (s.opacity() < 1) {
            out.append(" stroke-opacity=\"").append(num3(s.opacity())).append('"');
        }
        if (s.dash() != null && s.dash().length > 0) {
            out.append(" stroke-dasharray=\"");
            for (int i = 0; i < s.dash().length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(num(s.dash()[i]));
            }
            out.append("\" stroke-linecap=\"butt\"");
        } else {
            out.append(" stroke-linecap=\"round\"");
        }
        out.append(" stroke-linejoin=\"round\"");
    }

    /** A coordinate with at most two decimals, no exponent, "." as separator. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            v = 0;
        }
        if (Math.abs(v) >= 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        long scaled = Math.round(v * 100);
        StringBuilder sb = new StringBuilder(12);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / 100);
        int frac = (int) (scaled % 100);
        if (frac != 0) {
            sb.append('.').append((char) ('0' + frac / 10));
            if (frac % 10 != 0) {
                sb.append((char) ('0' + frac % 10));
            }
        }
        return sb.toString();
    }

    private static String num3(double v) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, Math.min(1, v)));
    }

    /**
     * Escapes {@code & < > " '} and replaces characters that XML 1.0 does not allow (control characters,
     * unpaired surrogates, U+FFFE, U+FFFF) by U+FFFD.
     */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF
                            || c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
