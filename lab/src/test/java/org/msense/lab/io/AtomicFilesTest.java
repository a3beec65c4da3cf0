package org.msense.lab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesUtf8TextAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "{\"σ\": \"é😀\"}\n");
        assertArrayEquals("{\"σ\": \"é😀\"}\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        assertEquals(List.of("summary.json"), names());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path f = dir.resolve("a.txt");
        Files.writeString(f, "old content that is longer than the new one");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals(List.of("a.txt"), names());
    }

    @Test
    void aFailingBodyLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("plot.svg");
        Files.writeString(f, "previous");
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            throw boom;
        }));
        assertSame(boom, thrown, "the body's exception propagates unchanged");
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw bug;
        })));
        assertEquals("previous", Files.readString(f));
        assertEquals(List.of("plot.svg"), names());
    }

    @Test
    void aFailingBodyCreatesNoFile() {
        Path f = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            throw new IOException("no");
        }));
        assertFalse(Files.exists(f));
    }

    @Test
    void manySmallWritesAndClosingTheStreamAreFine() throws IOException {
        Path f = dir.resolve("b.bin");
        byte[] expected = new byte[200_003];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        AtomicFiles.write(f, out -> {
            for (byte b : expected) {
                out.write(b);
            }
            out.close(); // only flushes
        });
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void missingDirectoryIsNamed() {
        Path f = dir.resolve("absent").resolve("x.json");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeString(f, "x"));
        assertTrue(e.getMessage().contains("absent") && e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    @Test
    void aDirectoryIsNotReplaced() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("out"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(sub, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }

    @Test
    void aPendingInterruptDoesNotStopTheWriteAndIsKept() throws IOException {
        Path f = dir.resolve("interrupted.json");
        Thread.currentThread().interrupt();
        try {
            AtomicFiles.writeString(f, "{\"status\": \"interrupted\"}");
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is restored");
        } finally {
            Thread.interrupted();
        }
        assertEquals("{\"status\": \"interrupted\"}", Files.readString(f));
    }

    @Test
    void aRelativeTargetIsWrittenInTheWorkingDirectoryItNames() throws IOException {
        Path f = dir.resolve("nested").resolve("..").resolve("rel.txt");
        Files.createDirectory(dir.resolve("nested"));
        AtomicFiles.writeString(f, "ok");
        assertEquals("ok", Files.readString(dir.resolve("rel.txt")));
    }
}
