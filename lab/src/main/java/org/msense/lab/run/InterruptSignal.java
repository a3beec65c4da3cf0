package org.msense.lab.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) or SIGTERM into a request that a long job polls, so that it can finish its step and write
 * its files while the JVM is still fully alive (AWT, class loading, threads), and then exit with 128 + the
 * signal's number.
 *
 * <p>{@link #install} handles SIGINT and SIGTERM itself (sun.misc.Signal, in the jdk.unsupported module): the
 * first signal only sets {@link #requested()}; a second one, more than a second later, ends the JVM at once (files
 * written so far are complete: every file of a run is replaced atomically or appended row by row); one within a second
 * of the first is taken as the same request delivered twice. Where the handlers cannot be
 * installed (a JVM without jdk.unsupported, or signals reserved with {@code -Xrs}) a shutdown hook stands in:
 * it sets the request and waits (at most 60 s) for {@link #close()}, so the JVM does not exit while results are
 * half written. {@code close()} restores the previous handlers.
 */
public final class InterruptSignal implements AutoCloseable {
    /** Exit status after SIGINT (128 + 2). */
    public static final int SIGINT_STATUS = 130;
    /** Exit status after SIGTERM (128 + 15). */
    public static final int SIGTERM_STATUS = 143;

    /**
     * A second signal within this time of the first is the same request delivered again, not a second request:
     * a scheduler's cancel (Slurm's scancel, say) can signal a job's processes more than once in the same instant,
     * and halting then lost the first signal's message and the results of the step under way.
     */
    static final long SAME_REQUEST_NANOS = 1_000_000_000L;

    private final AtomicInteger signal = new AtomicInteger();
    private volatile long firstAt;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private final List<Restore> restore = new ArrayList<>();
    private final IntConsumer onFirst;

    private record Restore(Signal signal, SignalHandler previous) {
    }

    private InterruptSignal(String threadName, IntConsumer onFirst) {
        this.onFirst = onFirst;
        hook = new Thread(() -> {
            signal.compareAndSet(0, 15);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
    }

    /** Installs the handlers (and the fallback shutdown hook, thread named {@code threadName}). */
    public static InterruptSignal install(String threadName) {
        return install(threadName, n -> {
        });
    }

    /**
     * Installs the handlers; {@code onFirst} is told the number of the first signal (2 or 15), on the signal's
     * own thread, e.g. to print that the job is finishing.
     */
    public static InterruptSignal install(String threadName, IntConsumer onFirst) {
        InterruptSignal s = new InterruptSignal(threadName, onFirst);
        s.handle("INT", 2);
        s.handle("TERM", 15);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void handle(String name, int number) {
        try {
            Signal sig = new Signal(name);
            SignalHandler previous = Signal.handle(sig, s -> {
                long now = System.nanoTime();
                if (signal.compareAndSet(0, number)) {
                    firstAt = now;
                    onFirst.accept(number);
                    return;
                }
                long first = firstAt; // 0 while the first signal's handler has not recorded its time yet
                if (first != 0 && now - first > SAME_REQUEST_NANOS) {
                    Runtime.getRuntime().halt(128 + number); // asked twice: stop now
                }
                // else: the same request delivered again (a scheduler signalling the job's processes more than once)
            });
            restore.add(new Restore(sig, previous));
        } catch (IllegalArgumentException | LinkageError e) {
            // signal reserved by the JVM (-Xrs) or sun.misc unavailable: the shutdown hook stands in
        }
    }

    /** Whether SIGINT or SIGTERM arrived (or the JVM started to shut down) since {@link #install}. */
    public boolean requested() {
        return signal.get() != 0;
    }

    /** The exit status for the signal received: 130 for SIGINT, 143 for SIGTERM (and for a shutdown). */
    public int exitStatus() {
        return signal.get() == 2 ? SIGINT_STATUS : SIGTERM_STATUS;
    }

    /** Restores the previous handlers; lets a waiting hook go on, or removes the hook if it never ran. */
    @Override
    public void close() {
        for (Restore r : restore) {
            try {
                Signal.handle(r.signal(), r.previous());
            } catch (IllegalArgumentException e) {
                // cannot happen for a signal handled before
            }
        }
        restore.clear();
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook is running and has just been released
        }
    }
}
