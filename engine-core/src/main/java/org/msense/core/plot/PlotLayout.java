package org.msense.core.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything placed on the page, computed once from a {@link LinePlot}: plot area, axes with their ticks and
 * labels, the pixel paths of every series, annotation and legend positions. {@link #draw(Canvas)} then
 * issues the same drawing operations to any {@link Canvas}, so SVG and PNG agree. Text extents come from
 * {@link TextMetrics}, not from a font system.
 */
final class PlotLayout {
    /** A text placed on the page. */
    record Label(RichText text, double x, double y, Canvas.TextStyle style, Canvas.Anchor anchor, double angle) {
    }

    /** An axis-aligned rectangle in pixels. */
    record Box(double x, double y, double w, double h) {
        boolean intersects(Box o) {
            return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
        }

        double overlap(Box o) {
            double dx = Math.min(x + w, o.x + o.w) - Math.max(x, o.x);
            double dy = Math.min(y + h, o.y + o.h) - Math.max(y, o.y);
            return dx > 0 && dy > 0 ? dx * dy : 0;
        }
    }

    /** The legend: its box and, per entry, the column and row. */
    record Legend(Box box, List<StyledSeries> entries, List<RichText> labels, int rows, double[] columnX,
            boolean inside) {
    }

    static final String NO_DATA = "no finite data";

    private final int width;
    private final int height;
    private final double pad;
    private final double titleSize;
    private final double labelSize;
    private final double tickSize;
    private final double legendSize;
    private final double noteSize;
    private final double lineWidth;
    private final double tickLen;
    private final double minorLen;
    private final double scale;

    private final RichText title;
    private final RichText xLabel;
    private final RichText yLabel;
    private final double titleFont;
    private final double xLabelFont;
    private final double yLabelFont;

    private final List<StyledSeries> styled = new ArrayList<>();
    private final List<StyledSeries> addedOrder = new ArrayList<>();
    private final List<LinePlot.Reference> vmarkers;
    private final List<LinePlot.Reference> hlines;
    private final List<LinePlot.Band> bands;
    private final boolean grid;
    private final boolean noData;

    private final double left;
    private final double top;
    private double right;
    private final double bottom;
    private final Axis xAxis;
    private final Axis yAxis;
    private final List<Label> annotations = new ArrayList<>();
    private final List<Box> annotationBoxes = new ArrayList<>();
    private final Legend legend;
    /** How much data the legend hides (see {@link #dataScore}); 0 when it is outside or absent. */
    private double legendCost;

    /**
     * The layout of {@code p}. The legend goes inside the plot area when it fits there without hiding much
     * data (more than about twice its width in line length), otherwise to the right of the plot area.
     */
    static PlotLayout of(LinePlot p) {
        PlotLayout l = new PlotLayout(p, false);
        if (l.legend != null && l.legend.inside() && l.legendCost > 2 * l.legend.box().w()) {
            return new PlotLayout(p, true);
        }
        return l;
    }

    private PlotLayout(LinePlot p, boolean legendOutside) {
        width = p.width();
        height = p.height();
        scale = Math.max(0.4, Math.min(4, Math.min(width / 1200.0, height / 800.0)));
        double s = scale;
        // Text shrinks less than the page so that small plots stay readable.
        double f = Math.pow(s, 0.75);
        pad = 16 * s;
        titleSize = 26 * f;
        labelSize = 22 * f;
        tickSize = 19 * f;
        legendSize = 18 * f;
        noteSize = 16 * f;
        lineWidth = 2.4 * s;
        tickLen = 8 * s;
        minorLen = 4.5 * s;

        title = RichText.parse(p.titleText());
        xLabel = RichText.parse(p.xLabelText());
        yLabel = RichText.parse(p.yLabelText());
        titleFont = fit(title, titleSize, width - 2 * pad, false);
        xLabelFont = fit(xLabel, labelSize, width - 2 * pad, false);
        vmarkers = List.copyOf(p.verticalMarkers());
        hlines = List.copyOf(p.horizontalLines());
        bands = List.copyOf(p.bands());
        grid = p.showGrid();

        resolveStyles(p.series());
        boolean xLog = p.isXLog();
        boolean yLog = p.isYLog();
        double[] xr = new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yr = new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (StyledSeries st : styled) {
            double[] xs = st.series.xs();
            double[] ys = st.series.ys();
            for (int i = 0; i < xs.length; i++) {
                if (Axis.accepts(xs[i], xLog) && Axis.accepts(ys[i], yLog)) {
                    widen(xr, xs[i]);
                    widen(yr, ys[i]);
                }
            }
        }
        noData = !(xr[0] <= xr[1]);
        for (LinePlot.Reference r : vmarkers) {
            if (Axis.accepts(r.value(), xLog)) {
                widen(xr, r.value());
            }
        }
        for (LinePlot.Band b : bands) {
            for (double v : new double[] {b.from(), b.to()}) {
                if (Axis.accepts(v, xLog)) {
                    widen(xr, v);
                }
            }
        }
        for (LinePlot.Reference r : hlines) {
            if (Axis.accepts(r.value(), yLog)) {
                widen(yr, r.value());
            }
        }
        double[] fixedX = usable(p.fixedXRange(), xLog);
        double[] fixedY = usable(p.fixedYRange(), yLog);
        if (fixedX != null) {
            xr = fixedX;
        } else if (!(xr[0] <= xr[1])) {
            xr = xLog ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (fixedY != null) {
            yr = fixedY;
        } else if (!(yr[0] <= yr[1])) {
            yr = yLog ? new double[] {1, 10} : new double[] {0, 1};
        }

        // Vertical extent: title on top; tick labels and x label below.
        double textH = TextMetrics.ASCENT + TextMetrics.DESCENT;
        top = title.isBlank() ? pad + 0.7 * tickSize : pad + textH * titleFont + 0.55 * titleSize;
        bottom = height - pad - (xLabel.isBlank() ? 0 : textH * labelSize + 0.3 * labelSize) - tickLen
                - 0.35 * tickSize - textH * tickSize;
        yLabelFont = fit(yLabel, labelSize, bottom - top, false);

        boolean anyMarkers = styled.stream().anyMatch(st -> st.series.drawsMarkers());
        Ticks.Scale ys = fitVertical(yr, yLog, fixedY == null, anyMarkers);
        double yTickW = 0;
        for (Ticks.Tick t : ys.labelled()) {
            yTickW = Math.max(yTickW, TextMetrics.width(t.label(), tickSize, false));
        }
        left = pad + (yLabel.isBlank() ? 0 : textH * yLabelFont + 0.35 * labelSize) + yTickW + 0.4 * tickSize + tickLen;

        // Legend: inside the plot area when it fits, otherwise to its right.
        List<StyledSeries> entries = new ArrayList<>();
        for (StyledSeries st : addedOrder) {
            if (st.series.inLegend()) {
                entries.add(st);
            }
        }
        Boolean show = p.legendSetting();
        boolean legendOn = !entries.isEmpty() && (show == null ? entries.size() <= LinePlot.AUTO_LEGEND_LIMIT : show);
        double plotH = bottom - top;
        double rightNoLegend = width - pad;
        int insideCols = 0;
        if (legendOn && !legendOutside) {
            double plotW = rightNoLegend - left;
            for (int cols = 1; cols <= 3 && insideCols == 0; cols++) {
                double[] wh = legendSize(entries, cols);
                if (wh[1] <= 0.9 * plotH && wh[0] <= (cols == 1 ? 0.5 : 0.65) * plotW) {
                    insideCols = cols;
                }
            }
        }
        int outsideCols = 0;
        double outsideW = 0;
        if (legendOn && insideCols == 0) {
            double rowH = 1.4 * legendSize;
            int rowsFit = Math.max(1, (int) Math.floor((plotH - 1.1 * legendSize) / rowH));
            outsideCols = (entries.size() + rowsFit - 1) / rowsFit;
            outsideW = legendSize(entries, outsideCols)[0];
        }
        // A very wide legend may run off the page rather than squeeze the plot below a third of its width.
        right = Math.max(rightNoLegend - (outsideCols > 0 ? outsideW + 0.8 * pad : 0),
                left + (rightNoLegend - left) / 3);

        Ticks.Scale xs = fitHorizontal(xr, xLog, fixedX == null, anyMarkers);
        for (int pass = 0; pass < 2; pass++) {
            List<Ticks.Tick> labelled = xs.labelled();
            if (labelled.isEmpty()) {
                break;
            }
            Ticks.Tick last = labelled.get(labelled.size() - 1);
            Axis probe = new Axis(xs, left, right);
            double overhang = probe.toPixel(last.value()) + TextMetrics.width(last.label(), tickSize, false) / 2
                    - (outsideCols > 0 ? right + 0.8 * pad : width - pad);
            if (overhang <= 0) {
                break;
            }
            right -= overhang;
            xs = fitHorizontal(xr, xLog, fixedX == null, anyMarkers);
        }
        xAxis = new Axis(xs, left, right);
        yAxis = new Axis(ys, bottom, top);

        buildGeometry();
        placeAnnotations();
        if (!legendOn) {
            legend = null;
        } else if (insideCols > 0) {
            legend = placeInside(entries, insideCols);
        } else {
            double[] wh = legendSize(entries, outsideCols);
            Box box = new Box(right + 0.8 * pad, top, wh[0], wh[1]);
            legend = makeLegend(entries, outsideCols, box, false);
        }
    }

    private static void widen(double[] r, double v) {
        r[0] = Math.min(r[0], v);
        r[1] = Math.max(r[1], v);
    }

    private static double[] usable(double[] r, boolean log) {
        if (r == null || !Axis.accepts(r[0], log) || !Axis.accepts(r[1], log) || r[0] == r[1]) {
            return null;
        }
        return new double[] {Math.min(r[0], r[1]), Math.max(r[0], r[1])};
    }

    /** Font size at most {@code size} at which {@code t} fits in {@code avail} pixels (never below 60 %). */
    private static double fit(RichText t, double size, double avail, boolean bold) {
        double w = t.width(size, bold);
        if (w <= avail || w == 0) {
            return size;
        }
        return Math.max(0.6 * size, size * avail / w);
    }

    private void resolveStyles(List<Series> all) {
        List<StyledSeries> gray = new ArrayList<>();
        List<StyledSeries> colored = new ArrayList<>();
        int auto = 0;
        double markerSize = 9 * scale;
        for (Series s : all) {
            double ws = s.widthScale();
            StyledSeries st;
            if (s.isGray()) {
                double w = 0.6 * lineWidth * ws;
                double[] dash = s.isDashed() ? Palette.scale(Palette.DASHED, w) : null;
                st = new StyledSeries(s, Palette.GRAY, w, dash, Canvas.Marker.CIRCLE, 0.8 * markerSize * ws);
                gray.add(st);
            } else {
                int idx = s.colorIndex() >= 0 ? s.colorIndex() : auto++;
                double w = lineWidth * ws;
                double[] pattern = s.isDashed() ? Palette.DASHED : Palette.dash(idx);
                st = new StyledSeries(s, Palette.color(idx), w, Palette.scale(pattern, w), Palette.marker(idx),
                        markerSize * ws);
                colored.add(st);
            }
            addedOrder.add(st);
        }
        styled.addAll(gray);
        styled.addAll(colored);
    }

    /**
     * Ticks for the data range {@code r}. A linear range is widened to the outermost ticks unless that adds
     * more than {@code slack} of the data span (negative: always); then it is the data range plus
     * {@code margin} of the span on each side, with the ticks inside.
     */
    private static Ticks.Scale scaleFor(double[] r, boolean log, boolean snap, int max, double margin, double slack) {
        if (log) {
            return Ticks.log(r[0], r[1], max, snap);
        }
        Ticks.Scale sc = Ticks.linear(r[0], r[1], max, snap);
        double span = r[1] - r[0];
        if (snap && span > 0 && sc.hi() - sc.lo() > (1 + slack) * span * (1 + 1e-9)) {
            double m = margin * span;
            Ticks.Scale inner = Ticks.linear(r[0] - m, r[1] + m, max, false);
            if (inner.labelled().size() >= 2) {
                return inner;
            }
        }
        return sc;
    }

    /** Vertical axis: snapped to ticks when that wastes at most 10 %; with markers always a 4 % margin. */
    private Ticks.Scale fitVertical(double[] r, boolean log, boolean snap, boolean markers) {
        Ticks.Scale last = null;
        for (int max = 9; max >= 2; max--) {
            Ticks.Scale sc = scaleFor(r, log, snap, max, 0.04, markers ? -1 : 0.1);
            last = sc;
            Axis a = new Axis(sc, bottom, top);
            List<Ticks.Tick> l = sc.labelled();
            boolean ok = true;
            for (int i = 1; i < l.size() && ok; i++) {
                ok = Math.abs(a.toPixel(l.get(i).value()) - a.toPixel(l.get(i - 1).value())) >= 1.6 * tickSize;
            }
            if (ok) {
                return sc;
            }
        }
        return last;
    }

    /** Horizontal axis: tight to the data (lines) or with a 3 % margin (markers), unless ticks fit exactly. */
    private Ticks.Scale fitHorizontal(double[] r, boolean log, boolean snap, boolean markers) {
        Ticks.Scale last = null;
        for (int max = 9; max >= 2; max--) {
            Ticks.Scale sc = scaleFor(r, log, snap, max, markers ? 0.03 : 0, markers ? -1 : 0);
            last = sc;
            Axis a = new Axis(sc, left, right);
            List<Ticks.Tick> l = sc.labelled();
            boolean ok = true;
            for (int i = 1; i < l.size() && ok; i++) {
                double need = (TextMetrics.width(l.get(i).label(), tickSize, false)
                        + TextMetrics.width(l.get(i - 1).label(), tickSize, false)) / 2 + 1.2 * tickSize;
                ok = Math.abs(a.toPixel(l.get(i).value()) - a.toPixel(l.get(i - 1).value())) >= need;
            }
            if (ok) {
                return sc;
            }
        }
        return last;
    }

    // ---------------------------------------------------------------- geometry

    /**
     * The area the geometry is clipped to: the plot area plus a margin, so that nothing visible is lost
     * while coordinates stay bounded. Drawing itself is clipped to the plot area.
     */
    private Box drawArea() {
        double m = 2 * lineWidth + 10 * scale;
        return new Box(left - m, top - m, right - left + 2 * m, bottom - top + 2 * m);
    }

    private void buildGeometry() {
        Box area = drawArea();
        Box plot = new Box(left - 0.5, top - 0.5, right - left + 1, bottom - top + 1);
        for (StyledSeries st : styled) {
            st.trace(xAxis, yAxis, area, plot);
        }
    }

    // ---------------------------------------------------------------- annotations and legend

    private Canvas.TextStyle noteStyle() {
        return new Canvas.TextStyle(noteSize, false, Palette.SOFT_TEXT);
    }

    private void placeAnnotations() {
        // Band labels along the top of the plot area, stacked in rows where they would collide.
        List<List<Box>> rows = new ArrayList<>();
        int rowsUsed = 0;
        double rowH = 1.3 * noteSize;
        for (LinePlot.Band b : bands) {
            double[] px = bandPixels(b);
            if (px == null || b.label().isBlank()) {
                continue;
            }
            RichText t = RichText.parse(b.label());
            double w = t.width(noteSize, false);
            double cx = (px[0] + px[1]) / 2;
            cx = Math.max(left + 0.3 * noteSize + w / 2, Math.min(right - 0.3 * noteSize - w / 2, cx));
            int row = 0;
            while (true) {
                if (row == rows.size()) {
                    rows.add(new ArrayList<>());
                }
                Box probe = new Box(cx - w / 2 - 0.4 * noteSize, 0, w + 0.8 * noteSize, 1);
                boolean free = rows.get(row).stream().noneMatch(o -> o.intersects(probe));
                if (free || row == 3) {
                    rows.get(row).add(probe);
                    break;
                }
                row++;
            }
            rowsUsed = Math.max(rowsUsed, row + 1);
            double baseline = top + 0.35 * noteSize + row * rowH + TextMetrics.ASCENT * noteSize;
            annotations.add(new Label(t, cx, baseline, noteStyle(), Canvas.Anchor.MIDDLE, 0));
            annotationBoxes.add(new Box(cx - w / 2, baseline - TextMetrics.ASCENT * noteSize, w, rowH));
        }
        // Vertical marker labels, reading upward along the line, at whichever end and side hides the least data.
        double labelTop = top + 0.5 * noteSize + rowsUsed * rowH;
        double labelBottom = bottom - 0.5 * noteSize;
        for (LinePlot.Reference r : vmarkers) {
            double px = xAxis.toPixel(r.value());
            if (Double.isNaN(px) || px < left - 0.5 || px > right + 0.5 || r.label().isBlank()) {
                continue;
            }
            RichText t = RichText.parse(r.label());
            double w = t.width(noteSize, false);
            double gap = 0.3 * noteSize;
            double best = Double.POSITIVE_INFINITY;
            Label chosen = null;
            Box chosenBox = null;
            for (int end = 0; end < 2; end++) {
                for (int side = 0; side < 2; side++) {
                    double bx = side == 0 ? px + gap + TextMetrics.CAP_HEIGHT * noteSize
                            : px - gap - TextMetrics.DESCENT * noteSize;
                    double boxX = bx - TextMetrics.CAP_HEIGHT * noteSize;
                    double boxW = (TextMetrics.CAP_HEIGHT + TextMetrics.DESCENT) * noteSize;
                    if (boxX < left + 1 || boxX + boxW > right - 1) {
                        continue;
                    }
                    double boxY = end == 0 ? labelTop : labelBottom - w;
                    if (boxY < top || boxY + w > bottom) {
                        continue;
                    }
                    Box box = new Box(boxX, boxY, boxW, w);
                    double score = dataScore(box) + obstacleScore(box) + 0.5 * end + 0.25 * side;
                    if (score < best) {
                        best = score;
                        chosen = end == 0 ? new Label(t, bx, labelTop, noteStyle(), Canvas.Anchor.END, -90)
                                : new Label(t, bx, labelBottom, noteStyle(), Canvas.Anchor.START, -90);
                        chosenBox = box;
                    }
                }
            }
            if (chosen != null) {
                annotations.add(chosen);
                annotationBoxes.add(chosenBox);
            }
        }
        // Horizontal line labels at whichever end and side hides the least data.
        for (LinePlot.Reference r : hlines) {
            double py = yAxis.toPixel(r.value());
            if (Double.isNaN(py) || py < top - 0.5 || py > bottom + 0.5 || r.label().isBlank()) {
                continue;
            }
            RichText t = RichText.parse(r.label());
            double w = t.width(noteSize, false);
            double capH = TextMetrics.CAP_HEIGHT * noteSize;
            double above = py - 0.35 * noteSize;
            double below = py + 0.35 * noteSize + capH;
            double best = Double.POSITIVE_INFINITY;
            Label chosen = null;
            Box chosenBox = null;
            for (int end = 0; end < 2; end++) {
                for (int side = 0; side < 2; side++) {
                    double base = side == 0 ? above : below;
                    if (base - capH < top + 1 || base > bottom - 1) {
                        continue;
                    }
                    double xEnd = end == 0 ? right - 0.4 * noteSize : left + 0.4 * noteSize + w;
                    Box box = new Box(xEnd - w, base - capH, w, capH + TextMetrics.DESCENT * noteSize);
                    double score = dataScore(box) + obstacleScore(box) + (end == 0 ? 0 : 0.5) + (side == 0 ? 0 : 0.25);
                    if (score < best) {
                        best = score;
                        chosen = new Label(t, xEnd, base, noteStyle(), Canvas.Anchor.END, 0);
                        chosenBox = box;
                    }
                }
            }
            if (chosen != null) {
                annotations.add(chosen);
                annotationBoxes.add(chosenBox);
            }
        }
    }

    /** Pixel interval of a band clipped to the plot area, or {@code null} if nothing of it is visible. */
    private double[] bandPixels(LinePlot.Band b) {
        double a = pixelOrEdge(b.from());
        double c = pixelOrEdge(b.to());
        if (Double.isNaN(a) || Double.isNaN(c)) {
            return null;
        }
        double lo = Math.max(left, Math.min(a, c));
        double hi = Math.min(right, Math.max(a, c));
        return hi - lo > 0.5 ? new double[] {lo, hi} : null;
    }

    private double pixelOrEdge(double v) {
        if (v == Double.NEGATIVE_INFINITY || xAxis.log() && v == 0) {
            return left;
        }
        if (v == Double.POSITIVE_INFINITY) {
            return right;
        }
        return xAxis.toPixel(v);
    }

    /**
     * How much ink a box would hide: the length in pixels of data lines inside it (grey lines count less),
     * markers and dots as a few pixels each, reference lines at half weight.
     */
    private double dataScore(Box b) {
        double x0 = b.x;
        double y0 = b.y;
        double x1 = b.x + b.w;
        double y1 = b.y + b.h;
        double[] t = new double[4];
        double score = 0;
        for (StyledSeries st : styled) {
            double weight = st.series.isGray() ? 0.3 : 1;
            for (StyledSeries.Poly p : st.polys) {
                for (int i = 1; i < p.n; i++) {
                    if (StyledSeries.clipSegment(p.xs[i - 1], p.ys[i - 1], p.xs[i], p.ys[i], x0, y0, x1, y1, t) >= 0) {
                        score += weight * Math.hypot(t[2] - t[0], t[3] - t[1]);
                    }
                }
            }
            for (double[] m : st.markers) {
                if (StyledSeries.inside(m[0], m[1], x0, y0, x1, y1)) {
                    score += weight * 2 * st.markerSize;
                }
            }
            for (double[] m : st.dots) {
                if (StyledSeries.inside(m[0], m[1], x0, y0, x1, y1)) {
                    score += weight * 2 * st.lineWidth;
                }
            }
        }
        for (LinePlot.Reference r : hlines) {
            double py = yAxis.toPixel(r.value());
            if (py >= y0 && py <= y1) {
                score += 0.5 * (Math.min(x1, right) - Math.max(x0, left));
            }
        }
        for (LinePlot.Reference r : vmarkers) {
            double px = xAxis.toPixel(r.value());
            if (px >= x0 && px <= x1) {
                score += 0.5 * (Math.min(y1, bottom) - Math.max(y0, top));
            }
        }
        return score;
    }

    /** Penalty for covering already placed annotation labels: far above any amount of hidden data. */
    private double obstacleScore(Box b) {
        double score = 0;
        for (Box o : annotationBoxes) {
            double area = o.overlap(b);
            if (area > 0) {
                score += 1e5 + area;
            }
        }
        return score;
    }

    /** Width and height of a legend box with {@code cols} columns. */
    private double[] legendSize(List<StyledSeries> entries, int cols) {
        int rows = (entries.size() + cols - 1) / cols;
        double padL = 0.55 * legendSize;
        double w = 2 * padL;
        for (int c = 0; c < cols; c++) {
            double maxW = 0;
            for (int i = c * rows; i < Math.min(entries.size(), (c + 1) * rows); i++) {
                maxW = Math.max(maxW, RichText.parse(entries.get(i).series.label()).width(legendSize, false));
            }
            w += sampleLength() + 0.5 * legendSize + maxW + (c > 0 ? legendSize : 0);
        }
        double h = 2 * padL + rows * 1.4 * legendSize;
        return new double[] {w, h};
    }

    private double sampleLength() {
        return 2.4 * legendSize;
    }

    private Legend makeLegend(List<StyledSeries> entries, int cols, Box box, boolean inside) {
        int rows = (entries.size() + cols - 1) / cols;
        double padL = 0.55 * legendSize;
        double[] colX = new double[cols];
        double x = box.x + padL;
        List<RichText> labels = new ArrayList<>();
        for (StyledSeries st : entries) {
            labels.add(RichText.parse(st.series.label()));
        }
        for (int c = 0; c < cols; c++) {
            colX[c] = x;
            double maxW = 0;
            for (int i = c * rows; i < Math.min(entries.size(), (c + 1) * rows); i++) {
                maxW = Math.max(maxW, labels.get(i).width(legendSize, false));
            }
            x += sampleLength() + 0.5 * legendSize + maxW + legendSize;
        }
        return new Legend(box, List.copyOf(entries), List.copyOf(labels), rows, colX, inside);
    }

    private Legend placeInside(List<StyledSeries> entries, int cols) {
        double[] wh = legendSize(entries, cols);
        double m = 0.6 * legendSize;
        double cx = (left + right - wh[0]) / 2;
        double cy = (top + bottom - wh[1]) / 2;
        Box[] spots = {
            new Box(right - m - wh[0], top + m, wh[0], wh[1]),  // upper right
            new Box(left + m, top + m, wh[0], wh[1]),  // upper left
            new Box(left + m, bottom - m - wh[1], wh[0], wh[1]),  // lower left
            new Box(right - m - wh[0], bottom - m - wh[1], wh[0], wh[1]),  // lower right
            new Box(right - m - wh[0], cy, wh[0], wh[1]),  // centre right
            new Box(left + m, cy, wh[0], wh[1]),  // centre left
            new Box(cx, top + m, wh[0], wh[1]),  // upper centre
            new Box(cx, bottom - m - wh[1], wh[0], wh[1]),  // lower centre
        };
        Box best = spots[0];
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0; i < spots.length; i++) {
            Box c = spots[i];
            Box probe = new Box(c.x - 4 * scale, c.y - 4 * scale, c.w + 8 * scale, c.h + 8 * scale);
            // Corners are preferred: an edge position must hide clearly less data to be chosen.
            double score = dataScore(probe) + obstacleScore(probe) + (i < 4 ? 0 : 2 * legendSize);
            if (score < bestScore - 1e-9) {
                bestScore = score;
                best = c;
            }
        }
        legendCost = bestScore;
        return makeLegend(entries, cols, best, true);
    }

    // ---------------------------------------------------------------- drawing

    /** Draws the whole plot onto {@code c}. */
    void draw(Canvas c) {
        c.rect(0, 0, width, height, Palette.WHITE, 1, null);
        double pw = right - left;
        double ph = bottom - top;

        c.clip(left, top, pw, ph);
        for (int i = 0; i < bands.size(); i++) {
            double[] px = bandPixels(bands.get(i));
            if (px != null) {
                c.rect(px[0], top, px[1] - px[0], ph, Palette.band(i), 0.13, null);
            }
        }
        if (grid) {
            Canvas.Stroke gs = Canvas.Stroke.solid(Palette.GRID, Math.max(1, scale));
            for (Ticks.Tick t : xAxis.scale().ticks()) {
                double px = xAxis.toPixel(t.value());
                if (t.major() && px > left + 0.5 && px < right - 0.5) {
                    c.line(px, top, px, bottom, gs);
                }
            }
            for (Ticks.Tick t : yAxis.scale().ticks()) {
                double py = yAxis.toPixel(t.value());
                if (t.major() && py > top + 0.5 && py < bottom - 0.5) {
                    c.line(left, py, right, py, gs);
                }
            }
        }
        Canvas.Stroke ref = new Canvas.Stroke(Palette.REFERENCE, 1.4 * scale, new double[] {7 * scale, 4.5 * scale}, 1);
        for (LinePlot.Reference r : hlines) {
            double py = yAxis.toPixel(r.value());
            if (!Double.isNaN(py)) {
                c.line(left, py, right, py, ref);
            }
        }
        for (LinePlot.Reference r : vmarkers) {
            double px = xAxis.toPixel(r.value());
            if (!Double.isNaN(px)) {
                c.line(px, top, px, bottom, ref);
            }
        }
        c.unclip();

        // Lines are clipped to the plot area; markers (all of whose centres lie in it) are drawn whole.
        for (StyledSeries st : styled) {
            c.beginGroup("series", st.series.label());
            if (!st.polys.isEmpty() || !st.dots.isEmpty()) {
                c.clip(left, top, pw, ph);
                Canvas.Stroke stroke = st.stroke();
                for (StyledSeries.Poly p : st.polys) {
                    c.polyline(p.xs, p.ys, p.n, stroke);
                }
                for (double[] d : st.dots) {
                    c.marker(Canvas.Marker.CIRCLE, d[0], d[1], 1.6 * st.lineWidth, st.rgb);
                }
                c.unclip();
            }
            for (double[] m : st.markers) {
                c.marker(st.marker, m[0], m[1], st.markerSize, st.rgb);
            }
            c.endGroup();
        }

        // Frame, ticks and tick labels.
        c.rect(left, top, pw, ph, 0, 0, Canvas.Stroke.solid(Palette.FRAME, 1.3 * scale));
        Canvas.Stroke ts = Canvas.Stroke.solid(Palette.FRAME, 1.2 * scale);
        Canvas.TextStyle tickStyle = new Canvas.TextStyle(tickSize, false, Palette.TEXT);
        for (Ticks.Tick t : xAxis.scale().ticks()) {
            double px = xAxis.toPixel(t.value());
            if (px < left - 0.5 || px > right + 0.5) {
                continue;
            }
            c.line(px, bottom, px, bottom + (t.major() ? tickLen : minorLen), ts);
            if (t.labelled()) {
                double base = bottom + tickLen + 0.35 * tickSize + TextMetrics.ASCENT * tickSize;
                c.text(RichText.parse(t.label()), px, base, tickStyle, Canvas.Anchor.MIDDLE, 0);
            }
        }
        for (Ticks.Tick t : yAxis.scale().ticks()) {
            double py = yAxis.toPixel(t.value());
            if (py < top - 0.5 || py > bottom + 0.5) {
                continue;
            }
            c.line(left - (t.major() ? tickLen : minorLen), py, left, py, ts);
            if (t.labelled()) {
                double base = py + TextMetrics.CAP_HEIGHT / 2 * tickSize;
                c.text(RichText.parse(t.label()), left - tickLen - 0.4 * tickSize, base, tickStyle, Canvas.Anchor.END,
                        0);
            }
        }

        for (Label l : annotations) {
            c.text(l.text(), l.x(), l.y(), l.style(), l.anchor(), l.angle());
        }
        if (noData) {
            double base = (top + bottom) / 2 + TextMetrics.CAP_HEIGHT / 2 * labelSize;
            c.text(RichText.parse(NO_DATA), (left + right) / 2, base,
                    new Canvas.TextStyle(labelSize, false, Palette.NOTE), Canvas.Anchor.MIDDLE, 0);
        }
        if (legend != null) {
            drawLegend(c);
        }

        Canvas.TextStyle ls = new Canvas.TextStyle(labelSize, false, Palette.TEXT);
        if (!title.isBlank()) {
            double w = title.width(titleFont, false);
            double cx = Math.max(pad + w / 2, Math.min(width - pad - w / 2, (left + right) / 2));
            c.text(title, cx, pad + TextMetrics.ASCENT * titleFont,
                    new Canvas.TextStyle(titleFont, false, Palette.TEXT),
                    Canvas.Anchor.MIDDLE, 0);
        }
        if (!xLabel.isBlank()) {
            double w = xLabel.width(xLabelFont, false);
            double cx = Math.max(pad + w / 2, Math.min(width - pad - w / 2, (left + right) / 2));
            c.text(xLabel, cx, height - pad - TextMetrics.DESCENT * xLabelFont,
                    new Canvas.TextStyle(xLabelFont, false, Palette.TEXT), Canvas.Anchor.MIDDLE, 0);
        }
        if (!yLabel.isBlank()) {
            c.text(yLabel, pad + TextMetrics.ASCENT * yLabelFont, (top + bottom) / 2,
                    new Canvas.TextStyle(yLabelFont, false, ls.rgb()), Canvas.Anchor.MIDDLE, -90);
        }
    }

    private void drawLegend(Canvas c) {
        Box b = legend.box();
        c.beginGroup("legend", "");
        c.rect(b.x, b.y, b.w, b.h, Palette.WHITE, 0.85, Canvas.Stroke.solid(Palette.LEGEND_BORDER, Math.max(1, scale)));
        double padL = 0.55 * legendSize;
        double rowH = 1.4 * legendSize;
        Canvas.TextStyle style = new Canvas.TextStyle(legendSize, false, Palette.TEXT);
        for (int i = 0; i < legend.entries().size(); i++) {
            StyledSeries st = legend.entries().get(i);
            int col = i / legend.rows();
            int row = i % legend.rows();
            double cy = b.y + padL + rowH * (row + 0.5);
            double x0 = legend.columnX()[col];
            double x1 = x0 + sampleLength();
            if (st.series.drawsLine()) {
                c.line(x0, cy, x1, cy, st.stroke());
            }
            if (st.series.drawsMarkers()) {
                c.marker(st.marker, (x0 + x1) / 2, cy, st.markerSize, st.rgb);
            }
            c.text(legend.labels().get(i), x1 + 0.5 * legendSize, cy + TextMetrics.CAP_HEIGHT / 2 * legendSize, style,
                    Canvas.Anchor.START, 0);
        }
        c.endGroup();
    }

    // ---------------------------------------------------------------- accessors (for callers in this package)

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    Axis xAxis() {
        return xAxis;
    }

    /** Font size of tick labels in pixels. */
    double tickSize() {
        return tickSize;
    }

    Axis yAxis() {
        return yAxis;
    }

    /** The plot area (inside the frame) in pixels. */
    Box plotArea() {
        return new Box(left, top, right - left, bottom - top);
    }

    /** The legend, or {@code null} when none is drawn. */
    Legend legend() {
        return legend;
    }

    boolean noData() {
        return noData;
    }

    /** Series in drawing order with their geometry. */
    List<StyledSeries> styled() {
        return styled;
    }

    List<Label> annotations() {
        return annotations;
    }
}
