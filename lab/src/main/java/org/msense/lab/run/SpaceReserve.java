package org.msense.lab.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Disk space held back for a file that must be written at the end (the final summary): a hidden file of real,
 * allocated blocks (written, not sparse) on the same file system, deleted to make room when a write finds the disk
 * full, and at the end in any case.
 */
final class SpaceReserve {
    private final Path file;

    private SpaceReserve(Path file) {
        this.file = file;
    }

    /** Writes {@code bytes} zero bytes into {@code file}. */
    static SpaceReserve create(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(8192);
            for (long left = bytes; left > 0; left -= 8192) {
                zeros.clear().limit((int) Math.min(8192, left));
                while (zeros.hasRemaining()) {
                    ch.write(zeros);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw new IOException("cannot reserve " + bytes / 1024 + " KiB for the summary in " + file.getParent() + ": "
                    + MetricsWriter.reason(e), e);
        }
        return new SpaceReserve(file);
    }

    /** Gives the space back (removes the file); idempotent. */
    void release() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing more can be done; the file is hidden and small
        }
    }
}
