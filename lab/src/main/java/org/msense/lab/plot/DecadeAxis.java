package org.msense.lab.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

/**
 * A base-10 {@link LogAxis} whose labelled ticks are powers of ten written with Unicode superscripts
 * ("10⁻³"), every decade or every 2, 3, 5, … decades as space allows, with unlabelled minor ticks at 2…9 times
 * each power when every decade is labelled (at the skipped decades otherwise). A range with less than two
 * powers of ten also labels some of the multiples, as decimals ("0.2", "3"). Labels are plain strings, so SVG
 * output keeps them as text.
 */
final class DecadeAxis extends LogAxis {
    private static final long serialVersionUID = 1L;
    private static final int[] STEPS = {1, 2, 3, 5, 10, 20, 50, 100};

    DecadeAxis(String label) {
        super(label);
        setBase(10);
        setMinorTickMarksVisible(true);
    }

    /** JFreeChart's auto range, except that one value (a span under a hundredth of a decade) gets the decade around it. */
    @Override
    protected void autoAdjustRange() {
        super.autoAdjustRange();
        double lo = Math.log10(getLowerBound());
        double hi = Math.log10(getUpperBound());
        if (isAutoRange() && hi - lo < 0.01) {
            setRange(new Range(Math.pow(10, (lo + hi) / 2 - 0.5), Math.pow(10, (lo + hi) / 2 + 0.5)), false, false);
        }
    }

    /** The label of 10^e. */
    static String label(int e) {
        return "10" + PlotText.superscript(Integer.toString(e).replace('-', '−'));
    }

    @Override
    protected List<ValueTick> refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        double need = 1.6 * getTickLabelFont().getSize2D();
        return ticks(dataArea.getHeight(), need, TextAnchor.CENTER_RIGHT);
    }

    @Override
    protected List<ValueTick> refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        double need = g2.getFontMetrics(getTickLabelFont()).stringWidth(label(-10)) + 1.2 * getTickLabelFont().getSize2D();
        return ticks(dataArea.getWidth(), need, TextAnchor.TOP_CENTER);
    }

    /**
     * @param length the axis length in pixels
     * @param need   the spacing in pixels that two labels need
     */
    private List<ValueTick> ticks(double length, double need, TextAnchor anchor) {
        double lo = Math.log10(getLowerBound());
        double hi = Math.log10(getUpperBound());
        List<ValueTick> ticks = new ArrayList<>();
        if (!(hi > lo) || !(length > 0)) {
            return ticks;
        }
        double perDecade = length / (hi - lo);
        int step = STEPS[STEPS.length - 1];
        for (int s : STEPS) {
            if (s * perDecade >= need) {
                step = s;
                break;
            }
        }
        double eps = 1e-9 * Math.max(1, hi - lo);
        int first = (int) Math.floor(lo);
        int last = (int) Math.ceil(hi);
        // Less than two powers of ten in range: the multiples 2…9 that keep apart are labelled too.
        boolean fewPowers = Math.floor(hi + eps) - Math.ceil(lo - eps) < 1;
        int[] multiples = fewPowers ? labelledMultiples(perDecade, need) : new int[0];
        for (int e = first; e <= last; e++) {
            double v = Math.pow(10, e);
            if (e >= lo - eps && e <= hi + eps) {
                boolean major = Math.floorMod(e, step) == 0;
                ticks.add(tick(major, v, major ? (fewPowers ? plain(1, e) : label(e)) : "", anchor));
            }
            if (step == 1) {
                for (int k = 2; k <= 9; k++) {
                    double m = Math.log10(k) + e;
                    if (m >= lo - eps && m <= hi + eps) {
                        boolean labelled = contains(multiples, k);
                        ticks.add(tick(labelled, k * v, labelled ? plain(k, e) : "", anchor));
                    }
                }
            }
        }
        return ticks;
    }

    /** The largest of the sets {2…9}, {2, 3, 5}, {2, 5}, {3}, {} whose labels keep {@code need} pixels apart. */
    private static int[] labelledMultiples(double perDecade, double need) {
        int[][] sets = {{2, 3, 4, 5, 6, 7, 8, 9}, {2, 3, 5}, {2, 5}, {3}};
        for (int[] set : sets) {
            double gap = Math.log10(10.0 / set[set.length - 1]);
            int prev = 1;
            for (int k : set) {
                gap = Math.min(gap, Math.log10((double) k / prev));
                prev = k;
            }
            if (gap * perDecade >= need) {
                return set;
            }
        }
        return new int[0];
    }

    private static boolean contains(int[] set, int k) {
        for (int v : set) {
            if (v == k) {
                return true;
            }
        }
        return false;
    }

    /** k·10^e as a decimal number where that is short ("0.02", "300"), else as "2×10⁻⁵". */
    static String plain(int k, int e) {
        if (e >= -3 && e <= 4) {
            return new java.math.BigDecimal(k).scaleByPowerOfTen(e).stripTrailingZeros().toPlainString();
        }
        return k == 1 ? label(e) : k + "×" + label(e);
    }

    private static NumberTick tick(boolean major, double value, String label, TextAnchor anchor) {
        return new NumberTick(major ? TickType.MAJOR : TickType.MINOR, value, label, anchor, anchor, 0);
    }
}
