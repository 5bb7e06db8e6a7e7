package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.minespark.SystemPackages;

/**
 * Executes every notebook in {@code notebooks/} headlessly through {@code notebooks/run-all.sh}
 * ({@code jupyter nbconvert --execute}); a cell error (including the notebooks' own checks of the
 * estimate against the truth) fails the test. Needs Debian's jupyter-nbconvert, python3-nbclient,
 * python3-ipykernel, python3-pandas and python3-matplotlib, which {@code .ci/run} installs; on a
 * machine without nbconvert the test is skipped with that message, and under {@code CI=true} it
 * fails instead ({@link SystemPackages#requirePackage}).
 */
class NotebooksIT {
    @Test
    void everyNotebook_executesWithoutCellErrors() throws Exception {
        SystemPackages.requirePackage(Files.isExecutable(Path.of("/usr/bin/jupyter-nbconvert")),
                "jupyter-nbconvert, to execute notebooks/*.ipynb (apt-get install jupyter-nbconvert python3-nbclient "
                        + "python3-ipykernel python3-pandas python3-matplotlib)");
        Path log = Files.createTempFile("notebooks", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("notebooks", "run-all.sh").toAbsolutePath().toString());
        pb.environment().remove("SPARK_HOME"); // failsafe points it at the jars-only copy
        pb.environment().put("MINE_NO_REBUILD", "1"); // the verify run has just built the jar
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("notebooks did not finish in 20 minutes:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), "a notebook failed:\n" + out.substring(Math.max(0, out.length() - 6000)));
    }
}
