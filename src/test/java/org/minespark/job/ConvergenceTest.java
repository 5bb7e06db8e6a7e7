package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.minespark.spark.SparkFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Early stopping, the convergence flags and the divergence retry through the CLI ({@link Main#run}). */
class ConvergenceTest {
    private static SparkSession spark;

    @TempDir
    static Path shared;
    private static Path data;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startSpark() {
        spark = SparkFixture.local2();
    }

    @BeforeEach
    void reset() {
        out.reset();
        err.reset();
    }

    private int run(String... args) {
        JobContext ctx = new JobContext(cmd -> spark, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return Main.run(args, ctx);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** 1-d correlated Gaussian pair with I(X; Y) = 0.5 nats, 20 000 rows (generated once). */
    private Path easyData() {
        if (data == null) {
            Path d = shared.resolve("corr");
            assertEquals(ExitCodes.OK, run("generate", "--task", "corr-gaussian", "--dim", "1", "--mi", "0.5",
                    "--rows", "20000", "--partitions", "2", "--out", d.toString()), err());
            data = d;
            reset();
        }
        return data;
    }

    private String[] estimate(Path res, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("estimate", "--input", easyData().toString(), "--x", "x0",
                "--y", "y0", "--out", res.toString(), "--hidden", "16,16", "--batch-size", "256", "--log-every", "1000"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /**
     * I = 0.5 nats, 1-d: a 16x16 critic at lr 5e-3 reaches the plateau within a few hundred steps
     * of the 4000 allowed. Tolerance: the test part holds ~3000 rows (20 000 x 0.2 held out, a
     * quarter of it for validation), where the delta-method standard error of the DV estimate is
     * ~0.025 nats (measured 0.03 at 2000 rows); the estimate must lie within 3 standard errors
     * above the truth and within 0.15 nats (about 5 SE, covering also the small critic's
     * shortfall of the bound after a few hundred steps) below it.
     */
    @Test
    void estimate_easyTask_stopsEarlyWithinTolerance() throws Exception {
        Path res = dir.resolve("early");
        int code = run(estimate(res, "--steps", "4000", "--lr", "0.005", "--eval-every", "25", "--patience", "3",
                "--min-delta", "0.01", "--units", "bits"));
        assertEquals(ExitCodes.OK, code, err());
        JsonNode j = new ObjectMapper().readTree(res.resolve("result.json").toFile());
        int steps = j.get("steps").asInt();
        assertTrue(steps < 4000 && steps % 25 == 0, "stopped early at a validation step: " + steps);
        int best = j.get("best_step").asInt();
        assertTrue(best > 0 && best <= steps && best % 25 == 0, "best " + best + " of " + steps);
        assertTrue(j.get("converged").asBoolean());
        assertFalse(j.get("still_increasing").asBoolean());
        assertFalse(j.get("diverged").asBoolean());
        assertTrue(j.get("retried_learning_rate").isNull());
        double mi = j.get("mi_nats").asDouble();
        double se = j.get("std_err_nats").asDouble();
        assertTrue(mi > 0.5 - 0.15 && mi < 0.5 + 3 * se, "estimate " + mi + " (se " + se + ") vs truth 0.5");
        assertEquals(mi / Math.log(2), j.get("mi_bits").asDouble(), 1e-12);
        assertEquals(se / Math.log(2), j.get("std_err_bits").asDouble(), 1e-12);
        // validation and test rows are disjoint parts of the ~4000 held-out rows
        long nVal = j.get("n_validation").asLong();
        long nTest = j.get("n_eval").asLong();
        // 4000 expected held-out rows (binomial sd ~57), a quarter of them validation (sd ~27)
        assertTrue(nVal > 850 && nVal < 1150 && nVal + nTest > 3800 && nVal + nTest < 4200, nVal + " + " + nTest);
        assertEquals("bits", j.get("units").asText());
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.contains(String.format(java.util.Locale.ROOT, "MI estimate: %.2f bits (%.2f nats)",
                mi / Math.log(2), mi)), stdout);
        assertTrue(stdout.contains("truth 0.721 bits; converged (" + steps + " steps run, best step " + best + ")"), stdout);
        List<String> csv = Files.readAllLines(res.resolve("training_curve.csv"));
        assertEquals(steps + 1, csv.size());
        String[] atBest = csv.get(best).split(",", -1);
        assertEquals(String.valueOf(best), atBest[0]);
        double valBits = Double.parseDouble(atBest[6]);
        assertEquals(Double.parseDouble(atBest[5]) / Math.log(2), valBits, 1e-12);
        assertTrue(csv.get(best - 1).endsWith(",,"), "no validation between evaluations: " + csv.get(best - 1));
    }

    /**
     * Learning rate 1 blows the critic up within a few steps (measured: the minibatch DV estimate
     * falls by more than 25 nats at step 11); the job retries once at 0.1 from scratch. Either the
     * retry trains normally (the result records the divergence and the lower rate) or it diverges
     * too and the job fails with exit code 5 naming both rates; nothing else is acceptable.
     */
    @Test
    void estimate_absurdLearningRate_retriesOnceThenSucceedsOrFailsClearly() throws Exception {
        Path res = dir.resolve("diverge");
        int code = run(estimate(res, "--steps", "60", "--lr", "1", "--eval-every", "30"));
        if (code == ExitCodes.TRAINING) {
            assertTrue(err().contains("training diverged at learning rate 1 (") && err().contains("at learning rate 0.1 ("),
                    err());
            assertFalse(Files.exists(res), "no result on failure");
            return;
        }
        assertEquals(ExitCodes.OK, code, err());
        JsonNode j = new ObjectMapper().readTree(res.resolve("result.json").toFile());
        assertTrue(j.get("diverged").asBoolean());
        assertEquals(0.1, j.get("retried_learning_rate").asDouble(), 1e-15);
        assertTrue(Double.isFinite(j.get("mi_nats").asDouble()));
        assertTrue(j.get("warnings").toString().contains("training diverged at learning rate 1 ("), j.toString());
        assertTrue(err().contains("retry from scratch at learning rate 0.1"), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("diverged at first, retried at learning rate 0.1"));
    }

    @Test
    void estimate_badUnits_exitsTwoNamingFlagAndValue() {
        int code = run(estimate(dir.resolve("u"), "--units", "furlongs"));
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err().contains("--units / mine.units: unknown unit 'furlongs', expected nats or bits"), err());
    }
}
