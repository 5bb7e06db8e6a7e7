package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;

/**
 * End-to-end accuracy on local[2] with fixed seeds, through Parquet files, with the product's
 * default estimator settings (only the row count is chosen here, to fit CI time).
 *
 * <p>Tolerances: the contract is 5 % of the closed-form MI. The held-out DV estimate has
 * a delta-method standard error of about sqrt(Var(T) + e^I-ish variance of e^T)/sqrt(n_eval);
 * with n_eval = the test 3/4 of the 20 % held out of 200k = 30k rows it is 0.03-0.06 nats (the
 * test prints it), inside the 5 % band (0.21 nats at 4.159, 0.10 nats at 2); the remaining error is
 * the critic's optimisation gap (with the default early stopping), which is what this test guards;
 * the 20-d task is held to 8 % for now (see its javadoc). Independent data: the 95 % CI must cover 0,
 * bracket the estimate and end within a few standard errors (and 0.02 nats) of 0.
 */
class EndToEndIT {
    static final int ROWS = 200_000;

    @TempDir
    Path tmp;

    static Dataset<Row> parquet(SparkSession s, Path dir, String task, Integer dim, Double mi, long seed) {
        SyntheticTasks.Task t = SyntheticTasks.create(task, dim, mi);
        String path = dir.resolve(task + "-" + seed).toString();
        SyntheticData.generate(s, t, ROWS, seed, 2).write().mode(SaveMode.ErrorIfExists).parquet(path);
        return s.read().parquet(path);
    }

    static MineSpec spec(int d) {
        String[] x = new String[d];
        String[] y = new String[d];
        for (int i = 0; i < d; i++) {
            x[i] = "x" + i;
            y[i] = "y" + i;
        }
        return MineSpec.x(x).y(y).withSeed(7);
    }

    static void report(String what, MiResult r, double truth) {
        System.out.printf("%s: estimate %.4f nats, CI [%.4f, %.4f], truth %.4f, %.1f s, %.0f samples/s,"
                        + " %d steps (best %d), converged %s, still increasing %s%n",
                what, r.miNats(), r.ci95LowNats(), r.ci95HighNats(), truth, r.seconds(), r.trainSamplesPerS(),
                r.steps(), r.convergence().bestStep(), r.convergence().converged(), r.convergence().stillIncreasing());
    }

    @Test
    void gaussChannel_seed002_withinFivePercent() {
        SparkSession s = SparkFixture.local2();
        Dataset<Row> df = parquet(s, tmp, "gauss-channel", null, null, 2);
        MiResult r = MutualInformation.estimate(df, spec(3));
        double truth = 1.5 * Math.log(1 + 3 / 0.2);
        report("gauss-channel", r, truth);
        assertEquals(ROWS, r.nRows());
        assertEquals(ROWS, r.nTrain() + r.convergence().nValidation() + r.nEval() + r.nDropped(), 4.0,
                "every row is train, validation or test (<=1 lost per test partition)");
        assertEquals(truth, r.miNats(), 0.05 * truth);
        assertTrue(r.ci95LowNats() < r.miNats() && r.miNats() < r.ci95HighNats());
    }

    /**
     * The 20-d task at 2 nats is NOT yet within issue #4's 5 % target at the default settings: the
     * measured estimates over seeds and runs are 1.873 to 1.959 (-6.4 % to -2 %), and
     * docs/accuracy-diagnosis.md shows the gap is the critic's fit within 3000 steps (the held-out
     * DV with the exact optimal critic is unbiased here). This test guards that level against
     * regressions: 8 % = the worst measured gap (6.4 %) plus one test-row standard error of this
     * run (0.027 nats = 1.4 %). Tighten it to 5 % when the training gap is closed.
     */
    @Test
    void correlatedGaussian20d_2nats_withinEightPercent() {
        SparkSession s = SparkFixture.local2();
        Dataset<Row> df = parquet(s, tmp, "corr-gaussian", 20, 2.0, 3);
        MiResult r = MutualInformation.estimate(df, spec(20));
        report("corr-gaussian 20-d 2 nats", r, 2.0);
        assertEquals(2.0, r.miNats(), 0.08 * 2.0);
    }

    @Test
    void independent_ciContainsZero() {
        SparkSession s = SparkFixture.local2();
        Dataset<Row> df = parquet(s, tmp, "independent", 3, null, 4);
        MiResult r = MutualInformation.estimate(df, spec(3));
        report("independent", r, 0);
        System.out.printf("independent: standard error %.5f nats, warnings %s%n", r.stdErrNats(), r.warnings());
        // MI >= 0 and a constant critic attains DV = 0, so the job reports max(0, DV) and clips both
        // ends of the CI at 0 (so "0 <= high" would say nothing). The reported CI is therefore
        // [max(0, DV - 1.96 se), max(0, DV + 1.96 se)] around max(0, DV), and what this test guards is
        // the failure that matters: a CI entirely above 0 (spurious dependence), or one reaching
        // visibly away from 0.
        double se = r.stdErrNats();
        String ci = "CI [" + r.ci95LowNats() + ", " + r.ci95HighNats() + "], estimate " + r.miNats() + ", se " + se;
        // the raw low end DV - 1.96 se is <= 0: the CI contains the truth 0
        assertTrue(r.ci95LowNats() <= 0, ci + ": should contain 0");
        assertTrue(r.ci95LowNats() <= r.miNats() && r.miNats() <= r.ci95HighNats(), ci + ": should bracket the estimate");
        // the replicate interval (docs/cli.md, "The 95 % interval"): high = max(0, X + t(df) se) with X
        // the ensemble's extrapolation to infinitely many critics and df >= R - 1 = 2, so t <= 4.303
        double x = r.interval().extrapolatedNats();
        assertTrue(r.ci95HighNats() <= Math.max(0, x) + 4.303 * se + 1e-12, ci + ": high end above extrapolated + t se");
        // On independent data E[DV] <= 0 for any fixed critic on held-out rows (up to the O(se^2)
        // bias of the log-mean term), so DV > 4 se has probability ~3e-5 for a correct estimate and
        // standard error; the extrapolation adds half the ensemble's gain over its members (a few se
        // at most here), and the t quantile at least 2 df 4.303 se: high > 12 se means a wrong scale
        // (measured: high = 2.6 se, se 0.0001)
        assertTrue(r.ci95HighNats() <= 12 * se, ci + ": the upper end is more than 12 standard errors above 0");
        // and in absolute terms both the estimate and the CI's upper end within 0.02 nats of the
        // truth (the upper end is measured at 0.00003 nats: this catches a CI on the wrong scale)
        assertTrue(r.miNats() < 0.02, "estimate " + r.miNats() + " on independent data");
        assertTrue(r.ci95HighNats() < 0.02, ci + ": the upper end should be within 0.02 nats of 0");
    }

    @Test
    void sortedTable_givesSameEstimateAsShuffled() {
        SparkSession s = SparkFixture.local2();
        Dataset<Row> df = parquet(s, tmp, "corr-gaussian", 5, 1.0, 5);
        String sorted = tmp.resolve("sorted").toString();
        String shuffled = tmp.resolve("shuffled").toString();
        df.orderBy("x0").coalesce(2).write().parquet(sorted);
        df.orderBy(functions.rand(11)).coalesce(2).write().parquet(shuffled);
        assertTrue(Files.isDirectory(Path.of(sorted)));
        MineSpec spec = spec(5).withSteps(1500);
        MiResult a = MutualInformation.estimate(s.read().parquet(sorted), spec);
        MiResult b = MutualInformation.estimate(s.read().parquet(shuffled), spec);
        report("sorted by x0", a, 1.0);
        report("shuffled", b, 1.0);
        // same rows, different order: both are estimates of the same quantity with independent
        // sampling noise, so they must agree within the 95 % band of their difference
        double band = 1.96 * Math.hypot(a.stdErrNats(), b.stdErrNats());
        assertEquals(a.miNats(), b.miNats(), band + 0.02, "sorted vs shuffled");
        // and a sorted table must not bias the marginals: both close to the truth
        assertEquals(1.0, a.miNats(), 0.1);
    }
}
