package org.msense.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws into an RGB {@link BufferedImage} with Java2D, antialiased, in "DejaVu Sans" or, where that font is
 * not installed, the logical "SansSerif" font. Only this class touches AWT.
 */
final class Java2dCanvas implements Canvas {
    static final String FONT = "DejaVu Sans";

    private final BufferedImage image;
    private final Graphics2D g;
    private final Font base;

    private Java2dCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        Font f = new Font(FONT, Font.PLAIN, 12);
        if (!FONT.equalsIgnoreCase(f.getFamily(Locale.ROOT))) {
            f = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        }
        base = f;
    }

    /** Ensures AWT starts headless unless the application chose otherwise. Call before any AWT class loads. */
    static void preferHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Renders the layout into an image.
     *
     * @throws PlotException when Java2D fails (e.g. no fonts)
     */
    static BufferedImage render(PlotLayout layout) throws PlotException {
        return render(layout.width(), layout.height(), layout::draw);
    }

    /**
     * Creates a canvas of the given size, lets {@code painter} draw on it and returns the image.
     *
     * @throws PlotException when Java2D (or the painter) fails with a runtime exception or an AWT, linkage or
     *     internal error, as happens when no fonts are available
     */
    static BufferedImage render(int width, int height, java.util.function.Consumer<Canvas> painter)
            throws PlotException {
        preferHeadless();
        try {
            Java2dCanvas c = new Java2dCanvas(width, height);
            try {
                painter.accept(c);
            } finally {
                c.g.dispose();
            }
            return c.image;
        } catch (RuntimeException | LinkageError | InternalError | java.awt.AWTError e) {
            throw new PlotException("Java2D cannot render the plot (" + describe(e) + ")", e);
        }
    }

    /**
     * Renders the layout and encodes it as PNG.
     *
     * @throws PlotException when Java2D or the PNG encoder fails
     */
    static byte[] png(PlotLayout layout) throws PlotException {
        BufferedImage img = render(layout);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
            if (!ImageIO.write(img, "png", bytes)) {
                throw new PlotException("no PNG encoder is available");
            }
            return bytes.toByteArray();
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new PlotException("PNG encoding failed (" + describe(e) + ")", e);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    @Override
    public void beginGroup(String kind, String label) {
        // Java2D has no structure to record.
    }

    @Override
    public void endGroup() {
        // Java2D has no structure to record.
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Stroke stroke) {
        apply(stroke);
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(double[] xs, double[] ys, int n, Stroke stroke) {
        if (n <= 0) {
            return;
        }
        Path2D.Double p = new Path2D.Double(Path2D.WIND_NON_ZERO, n);
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < n; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        apply(stroke);
        g.draw(p);
    }

    @Override
    public void marker(Marker shape, double x, double y, double size, int rgb) {
        double r = size / 2;
        java.awt.Shape s = switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(x - 0.9 * r, y - 0.9 * r, 1.8 * r, 1.8 * r);
            case TRIANGLE -> polygon(new double[] {x, x + r * 1.1, x - r * 1.1},
                    new double[] {y - r * 1.15, y + r * 0.75, y + r * 0.75});
            case DIAMOND -> polygon(new double[] {x, x + r * 1.05, x, x - r * 1.05},
                    new double[] {y - r * 1.25, y, y + r * 1.25, y});
        };
        g.setColor(new Color(rgb));
        g.fill(s);
    }

    private static Path2D polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }

    @Override
    public void rect(double x, double y, double w, double h, int fillRgb, double fillOpacity, Stroke border) {
        Rectangle2D.Double r = new Rectangle2D.Double(x, y, w, h);
        if (fillOpacity > 0) {
            g.setColor(color(fillRgb, fillOpacity));
            g.fill(r);
        }
        if (border != null) {
            apply(border);
            g.draw(r);
        }
    }

    @Override
    public void text(RichText text, double x, double y, TextStyle style, Anchor anchor, double angleDeg) {
        FontRenderContext frc = g.getFontRenderContext();
        int weight = style.bold() ? Font.BOLD : Font.PLAIN;
        Font normal = base.deriveFont(weight, (float) style.size());
        Font script = base.deriveFont(weight, (float) (style.size() * RichText.SCRIPT_SCALE));
        double total = 0;
        for (RichText.Run run : text.runs()) {
            total += (run.shift() == 0 ? normal : script).getStringBounds(run.text(), frc).getWidth();
        }
        double start = switch (anchor) {
            case START -> 0;
            case MIDDLE -> -total / 2;
            case END -> -total;
        };
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        if (angleDeg != 0) {
            g.rotate(Math.toRadians(angleDeg));
        }
        g.setColor(new Color(style.rgb()));
        double pos = start;
        for (RichText.Run run : text.runs()) {
            Font f = run.shift() == 0 ? normal : script;
            double dy = run.shift() < 0 ? RichText.SUB_DROP * style.size()
                    : run.shift() > 0 ? -RichText.SUP_RISE * style.size() : 0;
            g.setFont(f);
            g.drawString(run.text(), (float) pos, (float) dy);
            pos += f.getStringBounds(run.text(), frc).getWidth();
        }
        g.setTransform(saved);
    }

    @Override
    public void clip(double x, double y, double w, double h) {
        g.setClip(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void unclip() {
        g.setClip(null);
    }

    private void apply(Stroke s) {
        float[] dash = null;
        if (s.dash() != null && s.dash().length > 0) {
            dash = new float[s.dash().length];
            for (int i = 0; i < dash.length; i++) {
                dash[i] = (float) Math.max(0.01, s.dash()[i]);
            }
        }
        int cap = dash == null ? BasicStroke.CAP_ROUND : BasicStroke.CAP_BUTT;
        g.setStroke(new BasicStroke((float) s.width(), cap, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        g.setColor(color(s.rgb(), s.opacity()));
    }

    private static Color color(int rgb, double opacity) {
        int a = (int) Math.round(255 * Math.max(0, Math.min(1, opacity)));
        return new Color((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, a);
    }
}
