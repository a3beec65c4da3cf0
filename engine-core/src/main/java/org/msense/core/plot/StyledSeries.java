package org.msense.core.plot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One series with its resolved style and, once traced, its geometry in pixels. */
final class StyledSeries {
    final Series series;
    final int rgb;
    final double lineWidth;
    final double[] dash;
    final Canvas.Marker marker;
    final double markerSize;
    final List<Poly> polys = new ArrayList<>();
    /** Isolated points of a line series (no neighbour to connect to), drawn as dots. */
    final List<double[]> dots = new ArrayList<>();
    final List<double[]> markers = new ArrayList<>();

    StyledSeries(Series series, int rgb, double lineWidth, double[] dash, Canvas.Marker marker, double markerSize) {
        this.series = series;
        this.rgb = rgb;
        this.lineWidth = lineWidth;
        this.dash = dash;
        this.marker = marker;
        this.markerSize = markerSize;
    }

    /** The stroke of the series line. */
    Canvas.Stroke stroke() {
        return new Canvas.Stroke(rgb, lineWidth, dash, 1);
    }

    /** A polyline in pixels. */
    static final class Poly {
        double[] xs = new double[16];
        double[] ys = new double[16];
        int n;

        void add(double x, double y) {
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, 2 * n);
                ys = Arrays.copyOf(ys, 2 * n);
            }
            xs[n] = x;
            ys[n] = y;
            n++;
        }
    }

    /**
     * Maps the points to pixels and fills {@link #polys}, {@link #dots} and {@link #markers}: lines are split
     * at undrawable points (NaN, infinite, not positive on a log axis), clipped to {@code area} and thinned;
     * markers are kept for the points inside {@code plot}.
     */
    void trace(Axis xAxis, Axis yAxis, PlotLayout.Box area, PlotLayout.Box plot) {
        double x0 = area.x();
        double y0 = area.y();
        double x1 = area.x() + area.w();
        double y1 = area.y() + area.h();
        double[] xs = series.xs();
        double[] ys = series.ys();
        boolean lines = series.drawsLine();
        double[] seg = new double[4];
        Poly cur = null;
        double px = Double.NaN;
        double py = Double.NaN;
        int run = 0;
        // A vertex within 0.3 px of the previous one is held back and only kept if it ends the polyline.
        double pendX = Double.NaN;
        double pendY = Double.NaN;
        for (int i = 0; i <= xs.length; i++) {
            double cx = i < xs.length ? xAxis.toPixel(xs[i]) : Double.NaN;
            double cy = i < xs.length ? yAxis.toPixel(ys[i]) : Double.NaN;
            if (Double.isNaN(cx) || Double.isNaN(cy)) {
                if (run == 1 && lines && inside(px, py, x0, y0, x1, y1)) {
                    dots.add(new double[] {px, py});
                }
                cur = finish(cur, pendX, pendY);
                pendX = Double.NaN;
                run = 0;
                continue;
            }
            if (series.drawsMarkers() && inside(cx, cy, plot.x(), plot.y(), plot.x() + plot.w(), plot.y() + plot.h())) {
                markers.add(new double[] {cx, cy});
            }
            if (lines && run > 0) {
                int clip = clipSegment(px, py, cx, cy, x0, y0, x1, y1, seg);
                if (clip < 0) {
                    cur = finish(cur, pendX, pendY);
                    pendX = Double.NaN;
                } else {
                    if (cur == null || (clip & 1) != 0) {
                        cur = finish(cur, pendX, pendY);
                        pendX = Double.NaN;
                        cur = new Poly();
                        cur.add(seg[0], seg[1]);
                    }
                    boolean endClipped = (clip & 2) != 0;
                    if (!endClipped && Math.abs(seg[2] - cur.xs[cur.n - 1]) < 0.3
                            && Math.abs(seg[3] - cur.ys[cur.n - 1]) < 0.3) {
                        pendX = seg[2];
                        pendY = seg[3];
                    } else {
                        cur.add(seg[2], seg[3]);
                        pendX = Double.NaN;
                    }
                    if (endClipped) {
                        cur = finish(cur, pendX, pendY);
                        pendX = Double.NaN;
                    }
                }
            }
            px = cx;
            py = cy;
            run++;
        }
    }

    /** Completes a polyline (adding the held-back vertex) and keeps it if it has a segment; returns null. */
    private Poly finish(Poly cur, double pendX, double pendY) {
        if (cur != null) {
            if (!Double.isNaN(pendX)) {
                cur.add(pendX, pendY);
            }
            if (cur.n >= 2) {
                polys.add(cur.n > 64 ? thin(cur) : cur);
            }
        }
        return null;
    }

    /**
     * Keeps, of every run of consecutive vertices within the same pixel column, only the first, the lowest,
     * the highest and the last (in their original order). The stroked line covers the same pixels, while
     * dense series (many points per column) shrink to at most four vertices per column.
     */
    static Poly thin(Poly p) {
        Poly out = new Poly();
        int i = 0;
        while (i < p.n) {
            long col = (long) Math.floor(p.xs[i]);
            int j = i;
            int lo = i;
            int hi = i;
            while (j + 1 < p.n && (long) Math.floor(p.xs[j + 1]) == col) {
                j++;
                if (p.ys[j] < p.ys[lo]) {
                    lo = j;
                }
                if (p.ys[j] > p.ys[hi]) {
                    hi = j;
                }
            }
            int[] keep = {i, Math.min(lo, hi), Math.max(lo, hi), j};
            int last = -1;
            for (int k : keep) {
                if (k != last) {
                    out.add(p.xs[k], p.ys[k]);
                    last = k;
                }
            }
            i = j + 1;
        }
        return out;
    }

    static boolean inside(double x, double y, double x0, double y0, double x1, double y1) {
        return x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }

    /**
     * Liang–Barsky clipping of the segment to the rectangle. Writes the clipped end points into {@code out}
     * and returns -1 if nothing is left, else bit 0 set when the start was moved and bit 1 when the end was.
     */
    static int clipSegment(double ax, double ay, double bx, double by, double x0, double y0, double x1, double y1,
            double[] out) {
        double dx = bx - ax;
        double dy = by - ay;
        double t0 = 0;
        double t1 = 1;
        double[] p = {-dx, dx, -dy, dy};
        double[] q = {ax - x0, x1 - ax, ay - y0, y1 - ay};
        for (int k = 0; k < 4; k++) {
            if (p[k] == 0) {
                if (q[k] < 0) {
                    return -1;
                }
            } else {
                double t = q[k] / p[k];
                if (p[k] < 0) {
                    if (t > t1) {
                        return -1;
                    }
                    t0 = Math.max(t0, t);
                } else {
                    if (t < t0) {
                        return -1;
                    }
                    t1 = Math.min(t1, t);
                }
            }
        }
        out[0] = t0 > 0 ? ax + t0 * dx : ax;
        out[1] = t0 > 0 ? ay + t0 * dy : ay;
        out[2] = t1 < 1 ? ax + t1 * dx : bx;
        out[3] = t1 < 1 ? ay + t1 * dy : by;
        return (t0 > 0 ? 1 : 0) | (t1 < 1 ? 2 : 0);
    }
}
