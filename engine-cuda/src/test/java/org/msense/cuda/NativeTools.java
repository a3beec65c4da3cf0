package org.msense.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the stand-in tests need from the host: tools on PATH, processes, a library's imports, child JVMs. */
final class NativeTools {
    private NativeTools() {
    }

    /** The executable {@code tool} on PATH, or null. */
    static Path onPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, tool))) {
                return Path.of(p, tool);
            }
        }
        return null;
    }

    /** Runs cmd (with env added to this environment, if not null); fails the test unless it exits 0 within 120 s. */
    static String exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out;
    }

    /** The undefined dynamic symbols of a shared library as readelf prints them (with {@code @version} if any). */
    static List<String> importedSymbols(Path readelf, Path library) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String line : exec(List.of(readelf.toString(), "--dyn-syms", "-W", library.toString()), null).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[6].equals("UND")) {
                names.add(f[7]);
            }
        }
        return names;
    }

    /** Runs {@code main} in a child JVM on this test's class path; returns its output (it must exit 0). */
    static String childJvm(Class<?> main, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return childJvm(List.of(), main, env, args);
    }

    /** As {@link #childJvm(Class, Map, String...)}, with options for the child JVM (e.g. {@code -Djava.io.tmpdir=…}). */
    static String childJvm(List<String> jvmOptions, Class<?> main, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return exec(cmd, env);
    }
}
