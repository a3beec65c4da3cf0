package org.msense.core.spec;

/** The validations the specs share; each throws {@link InvalidSpecException} naming the field. */
final class Checks {
    private Checks() {
    }

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new InvalidSpecException(field, "must be ≥ " + min + ", got " + value);
        }
        return value;
    }

    static double positive(String field, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new InvalidSpecException(field, "must be a finite number > 0, got " + value);
        }
        return value;
    }

    static double nonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new InvalidSpecException(field, "must be a finite number ≥ 0, got " + value);
        }
        return value;
    }

    static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidSpecException(field, "must be given");
        }
        return value;
    }
}
