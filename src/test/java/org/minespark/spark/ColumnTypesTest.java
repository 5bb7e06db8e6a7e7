package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;

/**
 * A column group may be numeric scalars, an {@code array<double>} or an ML {@code Vector}: the
 * same values in the same order must give the same estimate to the last bit, whichever way they
 * are stored (extraction is the only thing that differs).
 */
class ColumnTypesTest {

    @Test
    void arrayAndVectorColumns_giveTheSameEstimateAsScalars() {
        SparkSession s = SparkFixture.local2();
        Dataset<Row> df = SyntheticData.generate(s, SyntheticTasks.create("gauss-channel", null, null), 4000, 9, 2);
        UDF3<Double, Double, Double, org.apache.spark.ml.linalg.Vector> toVec = (a, b, c) -> Vectors.dense(a, b, c);
        s.udf().register("toVec3", toVec, SQLDataTypes.VectorType());
        Dataset<Row> packed = df
                .withColumn("xa", functions.array(functions.col("x0"), functions.col("x1"), functions.col("x2")))
                .withColumn("yv", functions.callUDF("toVec3", functions.col("y0"), functions.col("y1"), functions.col("y2")));
        assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, false), packed.schema().apply("xa").dataType());
        MineSpec common = MineSpec.x("x0").y("y0").withSeed(3).withHidden(List.of(32, 32)).withSteps(400).withBatchSize(256);
        MiResult scalars = MutualInformation.estimate(packed,
                MineSpec.of(List.of("x0", "x1", "x2"), List.of("y0", "y1", "y2")).withSeed(3)
                        .withHidden(common.hidden()).withSteps(common.steps()).withBatchSize(common.batchSize()));
        MiResult stored = MutualInformation.estimate(packed,
                MineSpec.x("xa").y("yv").withSeed(3)
                        .withHidden(common.hidden()).withSteps(common.steps()).withBatchSize(common.batchSize()));
        assertTrue(scalars.miNats() > 0.5, "a short run still sees strong dependence: " + scalars.miNats());
        assertEquals(scalars.nTrain(), stored.nTrain());
        assertEquals(scalars.miNats(), stored.miNats(), 0.0, "array/vector extraction must not change the data");
    }
}
