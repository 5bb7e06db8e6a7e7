package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;

/**
 * Clusters often set {@code spark.serializer} to Kryo. The estimate must not depend on it: the
 * partition aggregates carry their own wire form (Kryo's field serialiser once dropped their
 * transient gradient arrays and training failed with a NullPointerException), so a Kryo session
 * gives the same estimate as a Java-serialiser session, bit for bit (same seed, same partitioning,
 * same floating-point operations). Its own JVM: two SparkContexts one after the other.
 */
class KryoSerializerIT {
    @TempDir
    Path tmp;

    private static SparkSession session(boolean kryo) {
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("mine-spark-kryo-it")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1");
        if (kryo) {
            b.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        }
        return b.getOrCreate();
    }

    private static MiResult estimate(SparkSession s, String path) {
        MineSpec spec = MineSpec.x("x0", "x1", "x2").y("y0", "y1", "y2").withSeed(5)
                .withHidden(List.of(32, 32)).withSteps(100).withBatchSize(256);
        return MutualInformation.estimate(s.read().parquet(path), spec);
    }

    @Test
    void kryoSerializer_givesSameEstimateAsJavaSerializer() {
        String path = tmp.resolve("channel").toString();
        SparkSession java = session(false);
        MiResult a;
        try {
            SyntheticData.generate(java, SyntheticTasks.create("gauss-channel", null, null), 10_000, 5, 2)
                    .write().parquet(path);
            a = estimate(java, path);
        } finally {
            java.stop();
        }
        SparkSession kryo = session(true);
        MiResult b;
        try {
            assertEquals("org.apache.spark.serializer.KryoSerializer", kryo.conf().get("spark.serializer"));
            b = estimate(kryo, path);
        } finally {
            kryo.stop();
        }
        assertEquals(a.nTrain(), b.nTrain());
        assertEquals(a.miNats(), b.miNats(), 0.0, "Kryo and Java serialisers must give the same estimate");
        assertEquals(a.stdErrNats(), b.stdErrNats(), 0.0);
    }
}
