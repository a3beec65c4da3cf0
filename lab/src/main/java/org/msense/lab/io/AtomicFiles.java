package org.msense.lab.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader, a crash or a Ctrl-C never sees a half-written file: the content goes to a
 * temporary file in the target's directory, which is flushed and synced to disk and then renamed over the
 * target (atomically where the file system supports it). Afterwards the target holds either its previous
 * content or the complete new content; on failure the temporary file is deleted and the target is untouched.
 *
 * <p>A pending interrupt of the calling thread does not abort the write (so that a run stopped by Ctrl-C can
 * still record its final state); the thread's interrupt status is restored before returning. The new file
 * gets the default permissions for newly created files, not those of the file it replaces.
 */
public final class AtomicFiles {
    private static final int BUFFER_BYTES = 1 << 16;
    private static final int MAX_TEMP_NAME_BASE = 100;

    private AtomicFiles() {
    }

    /**
     * Code that writes to a stream and may throw {@link IOException}.
     *
     * @param <T> what it is given
     */
    @FunctionalInterface
    public interface IOConsumer<T> {
        /**
         * Consumes {@code value}.
         *
         * @param value what to consume
         * @throws IOException when writing fails
         */
        void accept(T value) throws IOException;
    }

    /**
     * Replaces {@code target} by what {@code body} writes. {@code body} gets a buffered stream to a temporary
     * file next to {@code target}; it need not flush or close it (closing it only flushes). When {@code body}
     * returns normally the data is flushed, synced to disk and the temporary file is moved over
     * {@code target}; when it throws, the temporary file is deleted, {@code target} keeps its previous content
     * and the exception propagates unchanged.
     *
     * @param target the file to create or replace; its directory must exist. Only this file (and a temporary
     *               file beside it, removed again) is modified.
     * @param body   writes the content; must not keep the stream after returning
     * @throws NoSuchFileException when the target's directory does not exist
     * @throws IOException         when {@code target} is a directory, or writing, syncing or renaming fails
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(body, "body");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IOException("cannot write " + target + ": it names no file");
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(target.toString(), null,
                    "cannot write it: the directory " + dir + " does not exist; create it first");
        }
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a directory; give a file name");
        }
        boolean interrupted = Thread.interrupted();
        try {
            writeAndMove(target, dir, absolute.getFileName().toString(), body);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Replaces {@code target} by {@code text} encoded as UTF-8, atomically as {@link #write} does.
     *
     * @param target the file to create or replace; its directory must exist. Only this file is modified.
     * @param text   the complete new content
     * @throws IOException as for {@link #write}
     */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    private static void writeAndMove(Path target, Path dir, String name, IOConsumer<OutputStream> body)
            throws IOException {
        Path temp = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                temp = dir.resolve(tempName(name));
                try {
                    channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    temp = null;
                    if (attempt >= 9) {
                        throw e;
                    }
                }
            }
            try (FileChannel ch = channel) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER_BYTES);
                body.accept(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                buffered.flush();
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** A hidden name beside the target, bounded in length so that it stays a valid file name. */
    private static String tempName(String name) {
        String base = name.length() > MAX_TEMP_NAME_BASE ? name.substring(0, MAX_TEMP_NAME_BASE) : name;
        return "." + base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp";
    }

    /**
     * Makes the rename itself durable where the platform allows syncing a directory; elsewhere (e.g. where a
     * directory cannot be opened as a channel) the rename is still atomic, only its durability after a power
     * loss is up to the file system.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Best effort only: the content is already synced and in place.
        }
    }
}
