package org.msense.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msense.core.spec.OperatorKind;

/** Under {@code auto}, a backend without the operator is passed over with the reason recorded (announced); an explicit one is kept. */
class OperatorFallbackTest {

    private static Backend fake(String id, Set<OperatorKind> kinds) {
        return new Backend() {
            public String id() {
                return id;
            }

            public int priority() {
                return 0;
            }

            public String description() {
                return id;
            }

            public Availability probe() {
                return Availability.yes("test", Map.of());
            }

            public Engine open(EngineOptions options) {
                throw new UnsupportedOperationException("not opened in this test");
            }

            @Override
            public boolean supportsOperator(OperatorKind kind) {
                return kinds.contains(kind);
            }
        };
    }

    @Test
    void autoPassesOverABackendWithoutTheOperatorAndSaysWhy() {
        Backend gpu = fake("gpu", Set.of(OperatorKind.GAUSSIAN));
        Backend cpu = fake("cpu", Set.of(OperatorKind.GAUSSIAN, OperatorKind.COMPLETION));
        Backends.Selection s = Backends.select("auto", List.of(gpu, cpu), OperatorKind.COMPLETION);
        assertSame(cpu, s.backend());
        assertEquals(List.of("the gpu backend has no implementation of the 'completion' operator"), s.fallbacks());
        assertSame(gpu, Backends.select("auto", List.of(gpu, cpu), OperatorKind.GAUSSIAN).backend());
        assertSame(gpu, Backends.select("gpu", List.of(gpu, cpu), OperatorKind.COMPLETION).backend(), "explicit choice kept");
        BackendException none = assertThrows(BackendException.class,
                () -> Backends.select("auto", List.of(gpu), OperatorKind.RANK_ONE));
        assertTrue(none.getMessage().contains("'rank-one'"), none.getMessage());
    }
}
