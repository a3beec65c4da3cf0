package org.msense.lab.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.msense.core.spec.InvalidSpecException;

/**
 * Shows the progress of a long loop. {@link Style#LIVE}: one line redrawn in place at most ten times a second
 * ({@code [#####-----]  48%  480/1000  1.9 ms/it  ETA 0:01}), for a terminal; {@link Style#LINES}: a plain
 * line every {@value #PLAIN_INTERVAL_S} seconds, so that logs (a pipe, a file) stay readable;
 * {@link Style#NONE}: nothing.
 */
public final class ProgressBar {
    static final int PLAIN_INTERVAL_S = 10;
    private static final int WIDTH = 30;

    /** How progress is shown. */
    public enum Style {
        /** One line redrawn in place with carriage returns (for a terminal). */
        LIVE,
        /** A plain line every {@value ProgressBar#PLAIN_INTERVAL_S} seconds (for a log). */
        LINES,
        /** No progress output. */
        NONE
    }

    private final PrintStream out;
    private final Style style;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /**
     * @param style how to show progress on {@code out}
     */
    public ProgressBar(PrintStream out, Style style, String label) {
        this.out = out;
        this.style = style;
        this.label = label;
    }

    /**
     * The style that the {@code --progress} setting asks for on a stream: {@code auto} draws the live bar only
     * when the stream is a terminal ({@link #isTerminal(PrintStream)}) and plain lines otherwise, {@code always}
     * draws the live bar, {@code never} shows nothing.
     *
     * @throws InvalidSpecException naming {@code progress} for any other setting
     */
    public static Style style(String setting, PrintStream stream) {
        return switch (checkSetting(setting)) {
            case "always" -> Style.LIVE;
            case "never" -> Style.NONE;
            default -> isTerminal(stream) ? Style.LIVE : Style.LINES;
        };
    }

    /**
     * The {@code --progress} setting in lower case.
     *
     * @throws InvalidSpecException naming {@code progress} unless it is auto, always or never
     */
    public static String checkSetting(String setting) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("auto") && !s.equals("always") && !s.equals("never")) {
            throw new InvalidSpecException("progress", "must be auto, always or never, got '" + setting + "'");
        }
        return s;
    }

    /**
     * Whether {@code stream} is this process's standard error or standard output and that file descriptor is a
     * terminal. On Linux, the descriptor's link in {@code /proc/self/fd} says so per stream (a terminal is a
     * {@code /dev/pts/N} or {@code /dev/ttyX} device; a pipe or a file is not). Where there is no such link,
     * {@link System#console()} stands in (on JDK 17 it exists only when standard input and output are both
     * terminals; on JDK 22 and newer its {@code isTerminal()} says so). Any other stream is not a terminal.
     */
    public static boolean isTerminal(PrintStream stream) {
        int fd = stream == System.err ? 2 : stream == System.out ? 1 : -1;
        if (fd < 0) {
            return false;
        }
        Boolean linux = descriptorIsTerminal(fd);
        return linux != null ? linux : consoleIsTerminal();
    }

    /** Whether file descriptor {@code fd} of this process is a terminal device, or null when it cannot be told. */
    static Boolean descriptorIsTerminal(int fd) {
        try {
            Path link = Path.of("/proc/self/fd", Integer.toString(fd));
            if (!Files.isSymbolicLink(link)) {
                return null;
            }
            return isTerminalDevice(Files.readSymbolicLink(link).toString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a file descriptor's target (as {@code /proc/self/fd} shows it) is a terminal device. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    private static boolean consoleIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+: System.console() exists even when redirected; Console.isTerminal() tells them apart
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // JDK 17-21: a console exists only on a terminal
        }
    }

    /** Reports that {@code done} of {@code total} units are complete. */
    public void update(long done, long total) {
        if (style == Style.NONE) {
            return;
        }
        boolean terminal = style == Style.LIVE;
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : PLAIN_INTERVAL_S * 1_000_000_000L;
        if (done < total && now - lastDraw < interval) {
            return;
        }
        if (!terminal && done < total && now - start < interval) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double frac = total == 0 ? 1 : Math.min(1, (double) done / total);
        double perUnitMs = done == 0 ? Double.NaN : 1000 * elapsed / done;
        double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
        String stats = String.format(Locale.ROOT, "%3.0f%%  %d/%d  %s/it  ETA %s", 100 * frac, done, total,
                formatMs(perUnitMs), clock(eta));
        if (terminal) {
            int filled = (int) Math.round(frac * WIDTH);
            out.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + stats + "  ");
            drawn = true;
            if (done >= total) {
                finish();
            }
        } else if (done < total) {
            out.println(label + " " + stats);
        }
        out.flush();
    }

    /** Ends the line on a terminal. Safe to call more than once. */
    public void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    private static String formatMs(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.3g ms", ms);
    }

    private static String clock(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "-";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
