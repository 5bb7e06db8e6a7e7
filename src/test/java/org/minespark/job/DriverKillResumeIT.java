package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver killed mid-training, then {@code --resume}: {@code mine-submit estimate
 * --checkpoint-every 40} runs as a subprocess (local[2], so the driver JVM is the whole job);
 * once the checkpoint after step 80 of 400 appears, the JVM is SIGKILLed. Then
 * <ul>
 * <li>the killed run left no result directory behind and the existing result it was to replace
 *     ({@code --overwrite}) is intact;</li>
 * <li>the same command with {@code --resume} continues from the newest checkpoint and reports the
 *     same {@code mi_nats} as an uninterrupted run, bit for bit (same steps, same random streams,
 *     same merge order, optimiser and monitor state restored from raw bits);</li>
 * <li>the successful runs delete their checkpoints.</li>
 * </ul>
 */
class DriverKillResumeIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SUBMIT = ROOT.resolve("submit-scripts/mine-submit");
    private static final Pattern MI = Pattern.compile("\"mi_nats\"\\s*:\\s*([-0-9.eE+]+)");

    @TempDir
    Path tmp;

    /** 6000 rows of a correlated Gaussian pair (x0, x1) ~ (y0, y1) as CSV. */
    private Path data() throws IOException {
        Path csv = tmp.resolve("data.csv");
        SplittableRandom r = new SplittableRandom(21);
        try (Writer w = Files.newBufferedWriter(csv)) {
            w.write("x0,x1,y0,y1\n");
            for (int i = 0; i < 6000; i++) {
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                w.write(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f%n", a, b, 0.8 * a + 0.6 * r.nextGaussian(),
                        0.6 * b + 0.8 * r.nextGaussian()));
            }
        }
        return csv;
    }

    private static List<String> estimate(Path data, Path out, Path ckpt, String... extra) {
        List<String> a = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "estimate", "--input", data.toString(), "--x", "x0,x1", "--y", "y0,y1", "--out", out.toString(),
                "--steps", "400", "--batch-size", "256", "--hidden", "32", "--eval-every", "40",
                "--partitions", "2", "--log-every", "50", "--seed", "5",
                // each mine-submit JVM resolves the default --kernels auto by its own timing trial, and
                // vector and native-blas round differently: pin one so the runs can agree bit for bit
                "--kernels", "vector",
                "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "40"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void driverKilled_thenResume_sameEstimateAsUninterrupted() throws Exception {
        Path data = data();
        Path ckA = tmp.resolve("ckpt-a");
        Run plain = submit(estimate(data, tmp.resolve("plain"), ckA), 240, null);
        assertEquals(0, plain.code, "uninterrupted estimate failed:\n" + plain.err);
        double expected = mi(tmp.resolve("plain"));
        assertEquals(0, checkpoints(ckA), "a successful estimate deletes its checkpoints");

        // an existing result that the killed run was to replace
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("result.json"), "{\"old\": true}\n");
        Path ckB = tmp.resolve("ckpt-b");
        Path trigger = ckB.resolve("ckpt-a0-s0000000080.bin");
        Run killed = submit(estimate(data, out, ckB, "--overwrite"), 240, trigger);
        assertTrue(killed.killed, "the run ended before the checkpoint after step 80 appeared (exit " + killed.code
                + "):\n" + killed.err);
        assertEquals("{\"old\": true}\n", Files.readString(out.resolve("result.json")),
                "the killed run touched the existing result");
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("out.tmp-")),
                    "the killed run left a partial result directory");
        }
        assertTrue(checkpoints(ckB) >= 1, "no checkpoint survived the kill");

        Run resumed = submit(estimate(data, out, ckB, "--overwrite", "--resume"), 240, null);
        assertEquals(0, resumed.code, "resumed estimate failed:\n" + resumed.err);
        assertTrue(resumed.err.contains("resuming from the checkpoint after step"), resumed.err);
        assertEquals(expected, mi(out), 0.0, "resumed run differs from the uninterrupted one");
        assertEquals(0, checkpoints(ckB));
    }

    private static long checkpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).count();
        }
    }

    private static double mi(Path out) throws IOException {
        String json = Files.readString(out.resolve("result.json"));
        Matcher m = MI.matcher(json);
        assertTrue(m.find(), "no mi_nats in " + json);
        return Double.parseDouble(m.group(1));
    }

    private record Run(int code, String err, boolean killed) {
    }

    /** Runs mine-submit; SIGKILLs it (and any child) as soon as {@code killWhen} exists. */
    private Run submit(List<String> args, int timeoutS, Path killWhen) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(SUBMIT.toString());
        cmd.addAll(List.of("--driver-memory", "1g"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("MINE_NO_REBUILD", "1");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        pb.redirectError(err.toFile());
        pb.redirectOutput(Files.createTempFile(tmp, "stdout", ".txt").toFile());
        Process p = pb.start();
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (killWhen != null && Files.exists(killWhen)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
                p.waitFor(30, TimeUnit.SECONDS);
                killed = true;
                break;
            }
            p.waitFor(50, TimeUnit.MILLISECONDS);
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutS + " s: " + cmd + "\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8), killed);
    }
}
