package org.minespark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The guard skips outside CI and fails, naming the package, under CI. */
class SystemPackagesTest {
    @Test
    void present_neitherSkipsNorFails() {
        assertDoesNotThrow(() -> SystemPackages.requirePackage(true, "libfoo", false));
        assertDoesNotThrow(() -> SystemPackages.requirePackage(true, "libfoo", true));
    }

    @Test
    void missingOutsideCi_skipsNamingThePackage() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> SystemPackages.requirePackage(false, "libfoo", false));
        assertTrue(e.getMessage().contains("libfoo"), e.getMessage());
    }

    @Test
    void missingUnderCi_failsNamingThePackage() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> SystemPackages.requirePackage(false, "libfoo", true));
        assertTrue(e.getMessage().contains("libfoo") && e.getMessage().contains("CI=true"), e.getMessage());
    }
}
