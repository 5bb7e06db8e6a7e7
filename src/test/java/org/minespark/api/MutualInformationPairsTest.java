package org.minespark.api;

import org.minespark.spec.MineSpec;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.PairsProgressListener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.minespark.spark.SparkFixture;

/** The pairs variant of the Java API, called as a Java user would, on a small Dataset. */
class MutualInformationPairsTest {

    /** 2000 rows: t ~ N(0,1), a = t + 0.5 e (I = 0.5 ln 5 = 0.80 nats), c independent N(0,1), geo = (t + e1, e2). */
    private static Dataset<Row> data() {
        Random r = new Random(11);
        StructType schema = new StructType().add("t", DataTypes.DoubleType).add("a", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType).add("lat", DataTypes.DoubleType).add("lon", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double t = r.nextGaussian();
            rows.add(RowFactory.create(t, t + 0.5 * r.nextGaussian(), r.nextGaussian(), t + r.nextGaussian(),
                    r.nextGaussian()));
        }
        return SparkFixture.local2().createDataFrame(rows, schema);
    }

    @Test
    void pairs_javaCaller_immutableResultWithSignificanceAndProgress() {
        PairsSpec spec = PairsSpec.againstTargets(List.of("a", "c", "geo"), List.of("t"), Map.of("geo", List.of("lat", "lon")))
                .withHidden(List.of(16, 16))
                .withTraining(MineSpec.x("x").y("y").withSteps(150).withBatchSize(256).withLearningRate(3e-3)
                        .withPartitions(2).withSeed(3).withTrainer("jobs").withPermutations(19))
                .withScreen(false); // every pair trained: the test reads each pair's permutation test
        AtomicInteger lastDone = new AtomicInteger(-1);
        AtomicInteger lastTotal = new AtomicInteger(-1);
        PairsResult res = MutualInformation.pairs(data(), spec, (done, total, step, steps, eta) -> {
            lastDone.set(done);
            lastTotal.set(total);
        });
        assertEquals(List.of("a ~ t", "c ~ t", "geo ~ t"), res.pairs().stream().map(PairResult::pair).toList());
        assertEquals(2000, res.rows());
        assertEquals(3, lastDone.get());
        assertEquals(3, lastTotal.get());
        assertThrows(UnsupportedOperationException.class, () -> res.pairs().add(res.pairs().get(0)));
        PairResult a = res.get("a ~ t");
        PairResult c = res.get("c ~ t");
        // a: 0.80 nats, far above its permutation null (K = 19: p = 1/20 = 0.05 at best, alpha 0.05);
        // c: independent, its held-out DV within ~3 se (se ~ 0.03 at 400 test rows) of 0
        assertEquals(PairResult.OK, a.status());
        assertTrue(a.miNats() > 0.5, a.toString());
        assertEquals(0.05, a.pValue(), 1e-12);
        assertTrue(a.dependent());
        assertTrue(c.miNats() < 0.1, c.toString());
        assertTrue(res.get("geo ~ t").miNats() > 0.2, res.get("geo ~ t").toString()); // I(t; lat) = 0.5 ln 2 = 0.35
        assertThrows(IllegalArgumentException.class, () -> res.get("nope ~ t"));
    }

    @Test
    void pairsSpec_withers_returnNewSpecsAndValidate() {
        PairsSpec base = PairsSpec.allPairs(List.of("a", "b", "c"), Map.of());
        PairsSpec k4 = base.withCategoricalTopK(4);
        assertEquals(PairsSpec.DEFAULT_CATEGORICAL_TOP_K, base.categoricalTopK());
        assertEquals(4, k4.categoricalTopK());
        assertEquals(List.of(List.of("a", "b"), List.of("a", "c"), List.of("b", "c")), base.pairs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> base.withPairsPerPass(0)).getMessage()
                .contains("pairs-per-pass"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsSpec.allPairs(List.of("a"), Map.of()))
                .getMessage().contains("at least 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairsSpec.againstTargets(List.of("g"), List.of("a"),
                Map.of("g", List.of("a", "b")))).getMessage().contains("both sides"));
    }

    /** No Scala type (scala.*) in any public signature of the api types a pairs caller touches. */
    @Test
    void publicSignatures_pairsApi_haveNoScalaTypes() {
        for (Class<?> k : List.of(MutualInformation.class, PairsSpec.class, PairResult.class, PairsResult.class,
                PairsProgressListener.class, MineSpec.class, MiResult.class, MiResult.Significance.class)) {
            List<Type> types = new ArrayList<>();
            for (Method m : k.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers())) {
                    types.add(m.getGenericReturnType());
                    types.addAll(List.of(m.getGenericParameterTypes()));
                }
            }
            for (Constructor<?> c : k.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    types.addAll(List.of(c.getGenericParameterTypes()));
                }
            }
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    types.add(f.getGenericType());
                }
            }
            assertFalse(types.isEmpty(), k.getSimpleName());
            for (Type t : types) {
                assertFalse(t.getTypeName().contains("scala."), k.getSimpleName() + ": " + t.getTypeName());
            }
        }
    }
}
