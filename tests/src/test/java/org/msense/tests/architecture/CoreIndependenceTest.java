package org.msense.tests.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.msense.core.backend.Engine;

/**
 * engine-core knows no JCuda: no class file of it refers to its packages. (The build also bans the dependency
 * with the enforcer plugin; this catches a reference smuggled in any other way.) EJML is allowed: the core's
 * host-side linear algebra delegates to it.
 */
class CoreIndependenceTest {

    @Test
    void coreClassesReferNoBackendLibrary() throws IOException, URISyntaxException {
        Path where = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    scanned++;
                    check(p.toString(), Files.readAllBytes(p), offenders);
                }
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (var e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class")) {
                        scanned++;
                        try (InputStream in = jar.getInputStream(e)) {
                            check(e.getName(), in.readAllBytes(), offenders);
                        }
                    }
                }
            }
        }
        assertTrue(scanned > 20, "engine-core classes were found (" + scanned + " in " + where + ")");
        assertTrue(offenders.isEmpty(), "engine-core refers to a backend library: " + offenders);
    }

    private static void check(String name, byte[] bytes, List<String> offenders) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.contains("jcuda")) {
            offenders.add(name);
        }
    }
}
