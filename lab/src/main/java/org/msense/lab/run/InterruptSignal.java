package org.msense.lab.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns Ctrl-C or a kill signal into a request that a long job polls, so that it can finish writing its files.
 * {@link #install} registers a JVM shutdown hook; when the JVM starts to shut down the hook sets
 * {@link #requested()} and then waits (at most 60 s) until the job calls {@link #close()}, so the JVM does not
 * exit while results are half written. {@code close()} releases the waiting hook, or removes it when the job
 * ended on its own.
 */
public final class InterruptSignal implements AutoCloseable {

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private InterruptSignal(String threadName) {
        hook = new Thread(() -> {
            requested.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
    }

    /** Registers the shutdown hook (thread named {@code threadName}) and returns the signal it sets. */
    public static InterruptSignal install(String threadName) {
        InterruptSignal signal = new InterruptSignal(threadName);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Whether the JVM has started to shut down (Ctrl-C, SIGTERM) since {@link #install}. */
    public boolean requested() {
        return requested.get();
    }

    /** Lets a waiting hook go on (the job has written what it had), or removes the hook if it never ran. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting (Ctrl-C): the hook is running and has just been released
        }
    }
}
