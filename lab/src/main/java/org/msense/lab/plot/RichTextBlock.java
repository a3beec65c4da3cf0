package org.msense.lab.plot;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.block.AbstractBlock;
import org.jfree.chart.block.Block;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.ui.Size2D;

/**
 * One line of {@link PlotText} as a JFreeChart block (the title, and legend labels whose scripts have no
 * Unicode form): the runs are drawn one after the other with {@code drawString}, scripts smaller and lowered or
 * raised, so that SVG output keeps them as text.
 */
final class RichTextBlock extends AbstractBlock implements Block {
    private static final long serialVersionUID = 1L;
    /** Size of sub- and superscripts relative to the surrounding text. */
    private static final float SCRIPT_SCALE = 0.7f;

    private final transient List<PlotText.Run> runs;
    private final Font font;
    private final transient Paint paint;

    RichTextBlock(PlotText text, Font font, Paint paint) {
        this.runs = text.drawRuns();
        this.font = font;
        this.paint = paint;
    }

    /** Width of the text in pixels. */
    double textWidth(Graphics2D g2) {
        double w = 0;
        for (PlotText.Run r : runs) {
            w += g2.getFontMetrics(fontOf(r)).getStringBounds(r.text(), g2).getWidth();
        }
        return w;
    }

    private Font fontOf(PlotText.Run r) {
        return r.shift() == 0 ? font : font.deriveFont(font.getSize2D() * SCRIPT_SCALE);
    }

    @Override
    public Size2D arrange(Graphics2D g2, RectangleConstraint constraint) {
        FontMetrics fm = g2.getFontMetrics(font);
        Size2D s = new Size2D(calculateTotalWidth(textWidth(g2)), calculateTotalHeight(fm.getAscent() + fm.getDescent()));
        return constraint.calculateConstrainedSize(s);
    }

    @Override
    public void draw(Graphics2D g2, Rectangle2D area) {
        Rectangle2D a = trimPadding(trimBorder(trimMargin(area)));
        FontMetrics fm = g2.getFontMetrics(font);
        double baseline = a.getCenterY() - (fm.getAscent() + fm.getDescent()) / 2.0 + fm.getAscent();
        double x = a.getX() + Math.max(0, (a.getWidth() - textWidth(g2)) / 2);
        g2.setPaint(paint);
        for (PlotText.Run r : runs) {
            Font f = fontOf(r);
            double dy = r.shift() < 0 ? 0.2 * font.getSize2D() : r.shift() > 0 ? -0.38 * font.getSize2D() : 0;
            g2.setFont(f);
            g2.drawString(r.text(), (float) x, (float) (baseline + dy));
            x += g2.getFontMetrics(f).getStringBounds(r.text(), g2).getWidth();
        }
    }

    @Override
    public Object draw(Graphics2D g2, Rectangle2D area, Object params) {
        draw(g2, area);
        return null;
    }
}
