package org.msense.core.plot;

/**
 * Text extents estimated from the advance widths of DejaVu Sans (the font both renderers ask for), so that
 * the layout needs no font system and is identical for SVG and PNG. Widths are in units of the font size.
 */
final class TextMetrics {
    /** Ascent of capitals and digits above the baseline. */
    static final double CAP_HEIGHT = 0.73;
    /** Ascent including accents and superscripts. */
    static final double ASCENT = 0.93;
    static final double DESCENT = 0.24;

    /** Advance widths (1/1000 em) of U+0020…U+007E, regular. */
    private static final short[] REGULAR = {
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
        636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
        557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
        635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
        592, 592, 525, 636, 337, 636, 838,
    };

    /** Advance widths (1/1000 em) of U+0020…U+007E, bold. */
    private static final short[] BOLD = {
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
        696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775,
        637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675,
        716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
        645, 652, 582, 712, 365, 712, 838,
    };

    private TextMetrics() {
    }

    /** Width of {@code s} at font size {@code size} (pixels). */
    static double width(String s, double size, boolean bold) {
        double w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            w += advance(cp, bold);
        }
        return w * size / 1000.0;
    }

    /** Advance of one code point in 1/1000 em. */
    static double advance(int cp, boolean bold) {
        if (cp >= 0x20 && cp <= 0x7E) {
            return (bold ? BOLD : REGULAR)[cp - 0x20];
        }
        double scale = bold ? 1.08 : 1.0;
        double w;
        if (cp >= 0x2070 && cp <= 0x2079 || cp == 0xB9 || cp == 0xB2 || cp == 0xB3 || cp >= 0x2080 && cp <= 0x2089) {
            w = 401;
        } else if (cp == 0x207B || cp == 0x208B) {
            w = 528;
        } else if (cp == 0x2212 || cp == 0xD7 || cp == 0xB1 || cp >= 0x2260 && cp <= 0x2265 || cp == 0x2248
                || cp == 0x2217) {
            w = 838;
        } else if (cp == 0x2016 || cp == 0x2013 || cp == 0xB0) {
            w = 500;
        } else if (cp == 0x2026 || cp == 0x2014) {
            w = 1000;
        } else if (cp == 0xB7) {
            w = 318;
        } else if (cp >= 0x1D2C && cp <= 0x1D6A) {
            w = cp == 0x1D62 ? 179 : 385; // modifier letters such as ᵀ, ᵢ
        } else if (cp >= 0x3B1 && cp <= 0x3C9) {
            w = cp == 0x3B9 ? 338 : cp == 0x3C9 ? 837 : 610; // Greek lower case
        } else if (cp >= 0x391 && cp <= 0x3A9) {
            w = 720; // Greek upper case
        } else if (cp == 0x221E) {
            w = 833;
        } else if (Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.ENCLOSING_MARK) {
            w = 0;
        } else if (Character.isIdeographic(cp) || cp >= 0x1100 && cp <= 0x115F || cp >= 0xAC00 && cp <= 0xD7A3) {
            w = 1000;
        } else {
            w = 640;
        }
        return w * scale;
    }
}
