package org.minespark.job;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployment through the real scripts: {@code submit-scripts/local-standalone-cluster.sh} starts a
 * Spark standalone master and two workers (each executor in its own JVM), {@code mine-submit}
 * submits to it. Checks that
 * <ul>
 * <li>the standalone run gives the same estimate as {@code local[2]} with the same seed, bit for
 *     bit: both have two training partitions, every (step, partition) draws its randomness from
 *     the seed, and the driver merges the partition aggregates in partition order;</li>
 * <li>killing one executor JVM (SIGKILL) in the middle of training does not change the estimate,
 *     bit for bit: the lost tasks are retried and the lost cached blocks and shuffle outputs are
 *     recomputed from lineage, which is deterministic (rows are spread and ordered by seeded
 *     random keys), so every retried step recomputes exactly the same aggregate.</li>
 * </ul>
 * Ports are not the defaults so a developer's own cluster on 7077/8080 is not disturbed.
 */
class StandaloneClusterIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SCRIPT = ROOT.resolve("submit-scripts/local-standalone-cluster.sh");
    private static final Path SUBMIT = ROOT.resolve("submit-scripts/mine-submit");
    private static final String MASTER_PORT = "17077";
    private static final String MASTER = "spark://127.0.0.1:" + MASTER_PORT;
    private static final Pattern MI = Pattern.compile("\"mi_nats\"\\s*:\\s*([-0-9.eE+]+)");

    @TempDir
    static Path tmp;
    private static Path clusterDir;
    private static Path data;

    @BeforeAll
    static void startClusterAndGenerate() throws Exception {
        clusterDir = tmp.resolve("cluster");
        Run r = cluster("start", 180);
        assertEquals(0, r.code, "cluster start failed:\n" + r.out + r.err);
        data = tmp.resolve("data");
        Run g = submit(List.of("--master", "local[2]", "generate", "--task", "corr-gaussian", "--dim", "4",
                "--mi", "1.5", "--rows", "20000", "--seed", "3", "--out", data.toString()), 180, null);
        assertEquals(0, g.code, "generate failed:\n" + g.err);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterDir != null) {
            cluster("stop", 60);
        }
    }

    /**
     * A small estimate: 1500 steps (about 10 s with the stream trainer), so a kill after step 300 lands in the
     * middle of training. The kernels are pinned: {@code auto} times both backends in each driver JVM and
     * may pick differently in two runs, which differ in the last bits (see {@code AutoKernels}).
     */
    private static List<String> estimate(String master, Path out) {
        return List.of("--master", master, "--conf", "spark.ui.enabled=false", "estimate",
                "--input", data.toString(), "--x", "x0,x1,x2,x3", "--y", "y0,y1,y2,y3",
                "--out", out.toString(), "--steps", "1500", "--batch-size", "256", "--hidden", "32,32",
                "--log-every", "50", "--seed", "11", "--kernels", "vector");
    }

    @Test
    void standalone_sameEstimateAsLocal2_andSurvivesExecutorKill() throws Exception {
        Run local = submit(estimate("local[2]", tmp.resolve("local")), 300, null);
        assertEquals(0, local.code, "local[2] estimate failed:\n" + local.err);
        double expected = mi(tmp.resolve("local"));

        Run standalone = submit(estimate(MASTER, tmp.resolve("standalone")), 300, null);
        assertEquals(0, standalone.code, "standalone estimate failed:\n" + standalone.err);
        assertEquals(expected, mi(tmp.resolve("standalone")), 0.0,
                "standalone (2 executor JVMs) and local[2] must agree bit for bit for the same seed");

        Run killed = submit(estimate(MASTER, tmp.resolve("killed")), 420, "progress: step 300/1500");
        assertEquals(0, killed.code, "estimate with a killed executor failed:\n" + killed.err);
        assertTrue(killed.killedPid > 0, "no executor JVM was found to kill:\n" + killed.err);
        assertEquals(expected, mi(tmp.resolve("killed")), 0.0,
                "killing executor " + killed.killedPid + " mid-training changed the estimate");
    }

    private static double mi(Path out) throws IOException {
        String json = Files.readString(out.resolve("result.json"));
        Matcher m = MI.matcher(json);
        assertTrue(m.find(), "no mi_nats in " + json);
        return Double.parseDouble(m.group(1));
    }

    private record Run(int code, String out, String err, long killedPid) {
    }

    private static Run cluster(String action, int timeoutS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), action);
        Map<String, String> env = pb.environment();
        env.put("MINE_MASTER_PORT", MASTER_PORT);
        env.put("MINE_MASTER_WEBUI_PORT", "18080");
        env.put("MINE_WORKER_WEBUI_PORT", "18081");
        env.put("MINE_WORKER_MEMORY", "1g");
        env.put("MINE_CLUSTER_DIR", clusterDir.toString());
        return run(pb, timeoutS, null);
    }

    private static Run submit(List<String> args, int timeoutS, String killAfter) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(SUBMIT.toString());
        cmd.addAll(List.of("--driver-memory", "1g"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SPARK_HOME"); // failsafe points it at the jars-only copy
        pb.environment().put("MINE_NO_REBUILD", "1");
        return run(pb, timeoutS, killAfter);
    }

    /**
     * Runs the process; when {@code killAfter} appears in its stderr, SIGKILLs one executor JVM of
     * this test's cluster.
     */
    private static Run run(ProcessBuilder pb, int timeoutS, String killAfter) throws Exception {
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        Path out = Files.createTempFile(tmp, "stdout", ".txt");
        pb.redirectError(err.toFile());
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        long killed = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (killAfter != null && killed < 0 && Files.readString(err, StandardCharsets.UTF_8).contains(killAfter)) {
                killed = killOneExecutor();
            }
            p.waitFor(200, TimeUnit.MILLISECONDS);
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutS + " s: " + pb.command() + "\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), killed);
    }

    /** SIGKILLs one executor JVM of this test's cluster: one whose working directory is under its work dirs. */
    private static long killOneExecutor() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false))
                .filter(h -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).startsWith(clusterDir);
                    } catch (IOException | UnsupportedOperationException e) {
                        return false;
                    }
                })
                .findFirst()
                .map(h -> {
                    h.destroyForcibly();
                    return h.pid();
                })
                .orElse(-1L);
    }
}
