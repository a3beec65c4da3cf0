package org.msense.tests.crossbackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.msense.core.backend.Availability;
import org.msense.core.backend.Backend;
import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;
import org.msense.core.backend.Precision;

/**
 * Run in a child JVM by {@link CudaEmulationTest}, whose environment points the CUDA backend at host
 * stand-ins for the driver and cuBLAS: runs the bodies of the CUDA test classes named in the arguments
 * (their {@code @Test} methods, and {@code @ParameterizedTest} methods over {@link Precision}), each between
 * its {@code @BeforeEach} and {@code @AfterEach} methods, and prints one PASS or FAIL line per case.
 * Exit status 0 when every case passed.
 */
public final class EmulatedCudaMain {
    private EmulatedCudaMain() {
    }

    public static void main(String[] args) throws Exception {
        Backend cuda = Backends.discover().stream().filter(b -> b.id().equals("cuda")).findFirst().orElseThrow();
        Availability a = Backends.probe(cuda);
        System.out.println("probe: " + a.available() + " " + a.reason() + " " + a.details());
        if (!a.available()) {
            System.exit(2);
        }
        try (Engine first = cuda.open(EngineOptions.defaults()); Engine second = cuda.open(EngineOptions.defaults())) {
            System.out.println("first open: " + first.properties().get("engine") + "; second open: "
                    + second.properties().get("engine"));
        }
        int failed = 0;
        for (String name : args) {
            failed += runClass(Class.forName(name));
        }
        System.out.println("failed cases: " + failed);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static List<Method> annotated(Class<?> c, Class<? extends java.lang.annotation.Annotation> a) {
        List<Method> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.isAnnotationPresent(a)) {
                    m.setAccessible(true);
                    out.add(0, m);
                }
            }
        }
        return out;
    }

    private static int runClass(Class<?> c) throws Exception {
        int failed = 0;
        List<Object[]> cases = new ArrayList<>();
        for (Method m : annotated(c, Test.class)) {
            cases.add(new Object[] {m, null});
        }
        for (Method m : annotated(c, ParameterizedTest.class)) {
            EnumSource src = m.getAnnotation(EnumSource.class);
            if (src == null || src.value() != Precision.class) {
                System.out.println("SKIP " + c.getSimpleName() + "#" + m.getName() + " (not parameterized by precision)");
                continue;
            }
            for (Precision p : Precision.values()) {
                cases.add(new Object[] {m, p});
            }
        }
        for (Object[] cs : cases) {
            Method m = (Method) cs[0];
            String label = c.getSimpleName() + "#" + m.getName() + (cs[1] == null ? "" : "[" + cs[1] + "]");
            var ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            Object instance = ctor.newInstance();
            Throwable error = null;
            try {
                for (Method before : annotated(c, BeforeEach.class)) {
                    before.invoke(instance);
                }
                if (cs[1] == null) {
                    m.invoke(instance);
                } else {
                    m.invoke(instance, cs[1]);
                }
            } catch (InvocationTargetException e) {
                error = e.getCause();
            }
            for (Method after : annotated(c, AfterEach.class)) {
                try {
                    after.invoke(instance);
                } catch (InvocationTargetException e) {
                    error = error == null ? e.getCause() : error;
                }
            }
            if (error == null) {
                System.out.println("PASS " + label);
            } else {
                failed++;
                System.out.println("FAIL " + label + ": " + error);
            }
        }
        return failed;
    }
}
