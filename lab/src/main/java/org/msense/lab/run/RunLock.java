package org.msense.lab.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The claim of a run on its directory: {@code run.lock}, created exclusively (so two runs cannot both claim it),
 * holding {@code pid host started} on one line, and locked with {@link FileChannel#tryLock()} for as long as the
 * run lives. The operating system drops the lock when the process ends, however it ends, so a later command
 * tells a live run (the lock is held) from a dead one (the file is there, nobody holds its lock): see
 * {@link #probe}. {@link #close()} releases the lock and removes the file.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in a run directory. */
    public static final String FILE = "run.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    /**
     * Who holds (or held) a run directory.
     *
     * @param pid     the process id
     * @param host    the host name
     * @param started when the run claimed the directory (ISO-8601)
     */
    public record Owner(long pid, String host, String started) {
        @Override
        public String toString() {
            return "process " + pid + " on " + host;
        }
    }

    /** What {@link #probe} found. */
    public enum State {
        /** No lock file: no run is writing there (or it ended normally). */
        NONE,
        /** The lock is held: a run is writing there now. */
        LIVE,
        /** A lock file whose lock nobody holds: the run that made it was killed. */
        DEAD
    }

    /** The result of {@link #probe}; {@code owner} is null for {@link State#NONE} or an unreadable file. */
    public record Probe(State state, Owner owner) {
    }

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** This process: its pid, the host name and the time now. */
    public static Owner self() {
        return new Owner(ProcessHandle.current().pid(), hostName(), Instant.now().toString());
    }

    /**
     * Claims {@code dir} for this process.
     *
     * @return the lock, or null when {@code run.lock} already exists (call {@link #probe} to see whose it is)
     */
    public static RunLock tryClaim(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return null;
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) { // cannot happen for a file just created, unless another process raced to lock it
                ch.close();
                return null;
            }
            Owner me = self();
            ByteBuffer b = ByteBuffer.wrap((me.pid() + " " + me.host() + " " + me.started() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
            return new RunLock(file, ch, lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Whether a run holds {@code dir}: {@link State#LIVE} while its lock is held, {@link State#DEAD} when the lock
     * file is there but nobody holds the lock (or the process named in it is gone from this host).
     */
    public static Probe probe(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Owner owner = null;
        for (int attempt = 0; attempt < 20; attempt++) { // a run that has just created the file writes it next
            owner = read(file);
            if (owner != null || !Files.exists(file)) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Files.exists(file)) {
            return new Probe(State.NONE, null);
        }
        if (owner != null && owner.host().equals(hostName()) && ProcessHandle.of(owner.pid()).isEmpty()) {
            return new Probe(State.DEAD, owner);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return new Probe(State.LIVE, owner);
            }
            l.release();
            return new Probe(State.DEAD, owner);
        } catch (OverlappingFileLockException heldHere) {
            return new Probe(State.LIVE, owner); // held by this very JVM
        } catch (NoSuchFileException goneMeanwhile) {
            return new Probe(State.NONE, null);
        }
    }

    /** The owner written in a lock file, or null when it cannot be read (yet). */
    static Owner read(Path file) {
        try {
            String[] f = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            return f.length == 3 ? new Owner(Long.parseLong(f[0]), f[1], f[2]) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Removes the lock file of a dead run (after {@link #probe} said {@link State#DEAD}). */
    public static void removeStale(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }

    /** The name of this host (the kernel's, without a DNS lookup where it can be read). */
    public static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h.replace(' ', '_');
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Releases the lock and removes the file. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
