package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.SystemPackages;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;

/**
 * The same estimate from executors in separate JVMs ({@code local-cluster[2,1,1024]}) as from
 * {@code local[2]}: every random stream derives from (seed, step, partition) and partition
 * aggregates are merged in partition order, so with the same input partitioning the two runs do
 * the same floating-point operations in the same order and must agree to the last bit (we allow
 * 1e-12 relative only to make a failure message readable). The local[2] run uses the one-job-per-step
 * trainer and the local-cluster run the stream trainer (a barrier stage exchanging weights and
 * aggregates with the driver over TCP), so this also checks that both trainers agree across JVMs.
 *
 * <p>Needs SPARK_HOME with a jars/ folder (the build copies Spark's jars to target/spark-home): skipped
 * without it (e.g. run from an IDE), a failure under {@code CI=true}, where {@code mvn verify} always
 * provides it ({@link SystemPackages#requirePackage}).
 */
class LocalClusterIT {
    @TempDir
    Path tmp;

    private static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().master(master).appName("mine-spark-local-cluster-it")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1");
        if (master.startsWith("local-cluster")) {
            b.config("spark.executor.extraClassPath", System.getProperty("mine.test.classes"))
                    .config("spark.executor.extraJavaOptions", System.getProperty("mine.test.module.flags"))
                    .config("spark.executor.memory", "1g");
        }
        return b.getOrCreate();
    }

    private static MiResult estimate(SparkSession s, String path, String trainer) {
        MineSpec spec = MineSpec.x("x0", "x1", "x2").y("y0", "y1", "y2").withSeed(11)
                .withHidden(List.of(64, 64)).withSteps(300).withBatchSize(256).withTrainer(trainer);
        return MutualInformation.estimate(s.read().parquet(path), spec);
    }

    /** A pairs run (3 pairs, validation every 50 steps) on the given trainer. */
    private static List<org.minespark.spec.PairResult> pairs(SparkSession s, String path, String trainer) {
        org.minespark.spec.PairsSpec ps = org.minespark.spec.PairsSpec.againstTargets(List.of("x0", "x1", "x2"),
                List.of("y0"), java.util.Map.of()).withTraining(MineSpec.x("x").y("y").withSeed(11).withSteps(150)
                .withBatchSize(256).withEvalEvery(50).withPermutations(19).withTrainer(trainer)).withScreen(false);
        return MutualInformation.pairs(s.read().parquet(path), ps).pairs();
    }

    @Test
    void localCluster_givesSameEstimateAsLocal2() {
        String home = System.getenv("SPARK_HOME");
        SystemPackages.requirePackage(home != null && Files.isDirectory(Path.of(home, "jars")),
                "SPARK_HOME with jars/ for local-cluster (SPARK_HOME=" + home
                        + "; the Maven build sets it to target/spark-home and copies Spark's jars there)");
        String path = tmp.resolve("channel").toString();
        SparkSession local = session("local[2]");
        SyntheticData.generate(local, SyntheticTasks.create("gauss-channel", null, null), 20_000, 5, 2)
                .write().parquet(path);
        MiResult a = estimate(local, path, "jobs");
        MiResult a2 = estimate(local, path, "stream");
        List<org.minespark.spec.PairResult> pa = pairs(local, path, "jobs");
        local.stop();

        SparkSession cluster = session("local-cluster[2,1,1024]");
        MiResult b;
        List<org.minespark.spec.PairResult> pb;
        try {
            assertEquals(2, cluster.sparkContext().defaultParallelism(), "two executor cores");
            // the stream trainer: a barrier stage whose tasks in the executor JVMs talk to the driver over TCP
            b = estimate(cluster, path, "stream");
            // pairs on the stream trainer: the pass's task side travels to the executor JVMs
            pb = pairs(cluster, path, "stream");
        } finally {
            cluster.stop();
        }
        System.out.printf("local[2] jobs: %.12f  local[2] stream: %.12f  local-cluster stream: %.12f%n",
                a.miNats(), a2.miNats(), b.miNats());
        assertEquals(a.miNats(), a2.miNats(), 0.0, "stream trainer == jobs trainer in local[2]");
        assertEquals(a.stdErrNats(), a2.stdErrNats(), 0.0);
        assertEquals(a.nTrain(), b.nTrain());
        assertEquals(a.nEval(), b.nEval());
        assertEquals(a.miNats(), b.miNats(), 1e-12 * Math.abs(a.miNats()));
        assertEquals(a.stdErrNats(), b.stdErrNats(), 1e-12 * Math.abs(a.stdErrNats()));
        // the permutation test (default 99 replicates): same p-value, null mean and spread
        assertEquals(MiResult.Significance.TEST_PERMUTATION, a.significance().test());
        assertEquals(a.significance(), a2.significance());
        assertEquals(a.significance().pValue(), b.significance().pValue(), 0.0);
        assertEquals(a.significance().nullMeanNats(), b.significance().nullMeanNats(),
                1e-12 * Math.abs(a.significance().nullMeanNats()));
        assertEquals(a.significance().nullStdNats(), b.significance().nullStdNats(),
                1e-12 * Math.abs(a.significance().nullStdNats()));
        assertEquals(3, pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertEquals(org.minespark.spec.PairResult.OK, pb.get(i).status(), pb.get(i).toString());
            assertEquals(pa.get(i).miNats(), pb.get(i).miNats(), 1e-12 * Math.abs(pa.get(i).miNats()), pa.get(i).pair());
            assertEquals(pa.get(i).pValue(), pb.get(i).pValue(), 0.0, pa.get(i).pair());
            assertEquals(pa.get(i).steps(), pb.get(i).steps(), pa.get(i).pair());
        }
    }
}
