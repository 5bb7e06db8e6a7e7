package org.minespark.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsSpec;

/**
 * Benchmark of {@code pairs} (not a test): a generated table with a target t ~ N(0,1) and 20
 * features f0..f19: f0..f4 = t + s e (s = 0.5, 0.7, 1, 1.5, 2), f5..f9 = non-linear
 * (t^2, |t|, sin(2t), t^3, cos t) + 0.5 e, f10..f19 independent N(0,1). Estimates all 20
 * features vs t batched (one pass) and one pair at a time, and prints wall times and the ranking.
 *
 * <p>{@code java -cp ... org.minespark.spark.PairsBench ROWS STEPS BATCH [sequential=true|false] [dir] [hidden=64,64] [trainer=stream|jobs]}
 * (a short warm-up run comes first so that JIT and first-job costs are not charged to either side).
 */
public final class PairsBench {
    private static List<Integer> hidden = PairsSpec.DEFAULT_HIDDEN;

    private PairsBench() {
    }

    public static void main(String[] a) {
        long rows = Long.parseLong(a[0]);
        int steps = Integer.parseInt(a[1]);
        int batch = Integer.parseInt(a[2]);
        boolean sequential = a.length < 4 || Boolean.parseBoolean(a[3]);
        String path = a.length > 4 ? a[4] : "/tmp/pairs-bench-" + rows + ".parquet";
        hidden = a.length > 5 ? java.util.Arrays.stream(a[5].split(",")).map(Integer::valueOf).toList() : PairsSpec.DEFAULT_HIDDEN;
        String trainer = a.length > 6 ? a[6] : MineSpec.DEFAULT_TRAINER;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("pairs-bench")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.memory", "4g").getOrCreate();
        long g0 = System.nanoTime();
        if (!new java.io.File(path).exists()) {
            Dataset<Row> base = spark.range(0, rows, 1, 8).withColumn("t", functions.randn(1));
            Column t = functions.col("t");
            Column[] f = {
                t.plus(functions.randn(10).multiply(0.5)), t.plus(functions.randn(11).multiply(0.7)),
                t.plus(functions.randn(12)), t.plus(functions.randn(13).multiply(1.5)), t.plus(functions.randn(14).multiply(2.0)),
                t.multiply(t).plus(functions.randn(15).multiply(0.5)), functions.abs(t).plus(functions.randn(16).multiply(0.5)),
                functions.sin(t.multiply(2)).plus(functions.randn(17).multiply(0.5)),
                t.multiply(t).multiply(t).plus(functions.randn(18).multiply(0.5)),
                functions.cos(t).plus(functions.randn(19).multiply(0.5))};
            for (int i = 0; i < 20; i++) {
                base = base.withColumn("f" + i, i < 10 ? f[i] : functions.randn(100 + i));
            }
            base.drop("id").write().mode(SaveMode.Overwrite).parquet(path);
            System.out.printf(Locale.ROOT, "generated %d rows in %.1f s (not counted)%n", rows, (System.nanoTime() - g0) / 1e9);
        }
        Dataset<Row> df = spark.read().parquet(path);
        MineSpec spec = MineSpec.of(List.of("x"), List.of("y")).withSteps(steps).withBatchSize(batch)
                .withPartitions(2).withSeed(7).withLogEvery(Math.max(1, steps / 4)).withTrainer(trainer);
        List<String> features = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            features.add("f" + i);
        }
        PairsRunner.run(df, spec(List.of("f0", "f10")).withTraining(spec.withSteps(Math.min(steps, 50))), null); // warm-up
        long t0 = System.nanoTime();
        List<PairResult> batched = PairsRunner.run(df, spec(features).withTraining(spec), null).pairs();
        double batchedSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "hidden %s, %d steps, batch %d, %d rows, %s trainer%n", hidden, steps, batch, rows,
                trainer);
        System.out.printf(Locale.ROOT, "BATCHED: %d pairs in %.1f s = %.2f s per pair%n", batched.size(), batchedSeconds,
                batchedSeconds / batched.size());
        batched.stream().sorted((x, y) -> Double.compare(y.miNats(), x.miNats())).forEach(r -> System.out.printf(Locale.ROOT,
                "  %-8s %.4f [%.4f, %.4f] p=%.3f steps=%d %s%n", r.pair(), r.miNats(), r.ci95Low(), r.ci95High(), r.pValue(),
                r.steps(), r.status()));
        if (sequential) {
            double total = 0;
            double maxDiff = 0;
            for (int i = 0; i < features.size(); i++) {
                long s0 = System.nanoTime();
                List<PairResult> one = PairsRunner.run(df, spec(List.of(features.get(i))).withTraining(spec), null).pairs();
                double sec = (System.nanoTime() - s0) / 1e9;
                total += sec;
                maxDiff = Math.max(maxDiff, Math.abs(one.get(0).miNats() - batched.get(i).miNats()));
                System.out.printf(Locale.ROOT, "  alone %-8s %.1f s  %.4f%n", one.get(0).pair(), sec, one.get(0).miNats());
            }
            System.out.printf(Locale.ROOT, "SEQUENTIAL: %d pairs in %.1f s = %.2f s per pair; batched is %.1fx cheaper per pair;"
                    + " max |estimate difference| %.3g%n", features.size(), total, total / features.size(),
                    total / batchedSeconds, maxDiff);
        }
        spark.stop();
    }

    private static PairsSpec spec(List<String> features) {
        return PairsSpec.againstTargets(features, List.of("t"), Map.of()).withHidden(hidden);
    }
}
