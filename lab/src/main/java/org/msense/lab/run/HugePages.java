package org.msense.lab.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether this JVM was started with {@code -XX:+UseTransparentHugePages} (the launchers add it where Linux offers
 * transparent huge pages). Read from {@code /proc/self/cmdline}, the JVM's own arguments, so that no management
 * module is needed in the bundled runtime; false where that file does not exist (not Linux, where the flag does not
 * exist either).
 */
public final class HugePages {
    /** The JVM option this class looks for. */
    public static final String FLAG = "-XX:+UseTransparentHugePages";

    private HugePages() {
    }

    /** Whether {@link #FLAG} is among this JVM's arguments. */
    public static boolean inUse() {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
            return Arrays.asList(cmdline.split("\0")).contains(FLAG);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
