package org.minespark;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guard for tests that need something outside the Maven build: a system package (native BLAS,
 * jupyter-nbconvert, ...) or the SPARK_HOME folder the build prepares. On a developer machine
 * without it such a test is skipped; under CI ({@code CI=true}, as set by CI services; {@code .ci/run}
 * installs every package these tests need) a missing one is a failure that names it, so a broken
 * install can never turn into a green build of skipped tests.
 */
public final class SystemPackages {
    private SystemPackages() {
    }

    /** {@code CI=true} in the environment. */
    public static boolean inCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * Skips the calling test when {@code what} is absent, or fails it under CI.
     *
     * @param present whether the package is usable here
     * @param what    the package, with how to install it (appears in the skip/failure message)
     */
    public static void requirePackage(boolean present, String what) {
        requirePackage(present, what, inCi());
    }

    /** {@link #requirePackage(boolean, String)} with the CI flag given (for testing the guard itself). */
    static void requirePackage(boolean present, String what, boolean ci) {
        if (present) {
            return;
        }
        if (ci) {
            Assertions.fail("required package missing under CI=true: " + what
                    + " (.ci/run installs it; the test must not be skipped in CI)");
        }
        Assumptions.abort("skipped, package missing: " + what + " (under CI=true this is a failure)");
    }
}
