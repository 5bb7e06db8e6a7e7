package org.minespark.api.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.api.MutualInformation;
import org.minespark.core.SyntheticTasks;
import org.minespark.spark.SparkFixture;
import org.minespark.spark.SyntheticData;

/**
 * The Spark ML adapter on a small correlated-Gaussian table (3000 rows, 2 partitions; 80 steps of
 * a [16] critic, 19 permutations: a few seconds per fit). The quality of the estimate is not under
 * test here (MineRunner's tests do that); what is: the adapter runs exactly the spec its params
 * describe, persists every field, refuses to overwrite, and rejects bad params by name.
 */
class MineEstimatorTest {
    private static Dataset<Row> df;
    private static MineModel fitted;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fitOnce() {
        SyntheticTasks.Task t = SyntheticTasks.create(SyntheticTasks.CORR_GAUSSIAN, 1, 0.5);
        df = SyntheticData.generate(SparkFixture.local2(), t, 3_000, 11, 2).cache();
        fitted = estimator().fit(df);
    }

    private static MineEstimator estimator() {
        return new MineEstimator().setXCols("x0").setYCols("y0").setSteps(80).setBatchSize(128)
                .setHidden(16).setLearningRate(5e-3).setSeed(3).setPermutations(19).setEvalEvery(40)
                .setPartitions(2);
    }

    /** The same spec written with MineSpec's withers (the defaults of every other field). */
    private static MineSpec sameSpec() {
        return MineSpec.x("x0").y("y0").withSteps(80).withBatchSize(128).withHidden(List.of(16))
                .withLearningRate(5e-3).withSeed(3).withPermutations(19).withEvalEvery(40).withPartitions(2);
    }

    @Test
    void toSpec_mapsEveryParamOntoMineSpec() {
        assertEquals(sameSpec().toString(), estimator().toSpec().toString());
        assertEquals(MineSpec.x("a").y("b").toString(), new MineEstimator().setXCols("a").setYCols("b").toSpec().toString(),
                "unset params take MineSpec's defaults");
    }

    @Test
    void fit_inPipeline_equalsDirectEstimateBitForBit() {
        PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {estimator()}).fit(df);
        MineModel m = assertInstanceOf(MineModel.class, pm.stages()[0]);
        MiResult direct = MutualInformation.estimate(df, sameSpec());
        assertEquals(Double.doubleToRawLongBits(direct.miNats()), Double.doubleToRawLongBits(m.result().miNats()),
                "pipeline " + m.result().miNats() + " vs direct " + direct.miNats());
        assertArrayEquals(direct.curve(), m.result().curve());
        assertEquals(direct.ci95LowNats(), m.result().ci95LowNats(), 0.0);
        assertEquals(direct.significance().pValue(), m.result().significance().pValue(), 0.0);
        assertTrue(m.result().miNats() > 0.1, "0.5 nats of dependence, got " + m.result().miNats());
        assertArrayEquals(new String[] {"x0"}, m.getXCols());
        assertArrayEquals(new String[] {"y0"}, m.getYCols());

        Dataset<Row> out = pm.transform(df);
        assertEquals(df.schema(), out.schema(), "transform adds no column");
        assertEquals(df.count(), out.count());
    }

    @Test
    void saveLoad_roundTripsEveryFieldOfTheResult() throws IOException {
        String path = tmp.resolve("model").toString();
        fitted.write().save(path);
        MineModel back = MineModel.load(path);
        assertEquals(fitted.uid(), back.uid());
        assertArrayEquals(fitted.getXCols(), back.getXCols());
        assertArrayEquals(fitted.getYCols(), back.getYCols());
        assertRecordsEqual(fitted.result(), back.result(), "result");
    }

    /** Non-finite and signed-zero doubles, quotes and newlines in warnings survive the JSON form. */
    @Test
    void miResultJson_edgeValues_roundTripExactly() {
        MiResult r = new MiResult(-0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 5, 1, 3, 1, 2,
                "nwj", "scalar", 1e-300, Double.MIN_VALUE, 0.1 + 0.2, new double[] {Double.NaN, 1.0 / 3, -1e308},
                MiResult.STATUS_OK, List.of("a \"quoted\"\nline", "ü"),
                new MiResult.Convergence(2, true, false, true, 1e-3, Double.NaN, 7, new int[] {1, 2},
                        new double[] {0.5, Double.NaN}),
                new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, 9, 0.05, 0.1, true, -0.25, 0.125),
                new MiResult.Reliability(Double.NaN, Math.log(5), true));
        String json = MiResultJson.toJson(r);
        assertTrue(!json.contains("\n"), "one line: " + json);
        assertRecordsEqual(r, MiResultJson.fromJson(json), "result");
    }

    @Test
    void miResultJson_missingWrongOrInvalidField_rejectedWithItsName() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        String json = MiResultJson.toJson(fitted.result());

        com.fasterxml.jackson.databind.node.ObjectNode noSteps = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(json);
        noSteps.remove("steps");
        assertMessage(() -> MiResultJson.fromJson(noSteps.toString()), "'result.steps'");

        com.fasterxml.jackson.databind.node.ObjectNode textSteps = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(json);
        textSteps.put("steps", "many");
        assertMessage(() -> MiResultJson.fromJson(textSteps.toString()), "'result.steps'", "many");

        com.fasterxml.jackson.databind.node.ObjectNode badP = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) badP.get("significance")).put("pValue", 2.0);
        assertMessage(() -> MiResultJson.fromJson(badP.toString()), "'result.significance'", "pValue");

        com.fasterxml.jackson.databind.node.ObjectNode v2 = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(json);
        v2.put("format", 2);
        assertMessage(() -> MiResultJson.fromJson(v2.toString()), "format 2");
        assertMessage(() -> MiResultJson.fromJson("{not json"), "not JSON");
    }

    @Test
    void pipelineSaveLoad_withSparkWriters_keepsStagesAndParams() throws IOException {
        Pipeline p = new Pipeline().setStages(new PipelineStage[] {estimator().setBound("smile").setSmileTau(4.0)});
        String pPath = tmp.resolve("pipeline").toString();
        p.write().save(pPath);
        MineEstimator e = assertInstanceOf(MineEstimator.class, Pipeline.load(pPath).getStages()[0]);
        assertEquals(estimator().setBound("smile").setSmileTau(4.0).toSpec().toString(), e.toSpec().toString());

        PipelineModel pm = new PipelineModel("pm1", List.of(fitted).toArray(new org.apache.spark.ml.Transformer[0]));
        String mPath = tmp.resolve("pipelineModel").toString();
        pm.write().save(mPath);
        MineModel back = assertInstanceOf(MineModel.class, PipelineModel.load(mPath).stages()[0]);
        assertRecordsEqual(fitted.result(), back.result(), "result");
    }

    @Test
    void save_existingPath_refusedUnlessOverwrite() throws IOException {
        String path = tmp.resolve("m").toString();
        fitted.write().save(path);
        IOException e = assertThrows(IOException.class, () -> fitted.write().save(path));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        MineEstimator est = estimator();
        assertThrows(IOException.class, () -> est.write().save(path), "an estimator does not overwrite either");

        est.write().overwrite().save(path);
        assertEquals(est.toSpec().toString(), MineEstimator.load(path).toSpec().toString());
        assertThrows(IllegalArgumentException.class, () -> MineModel.load(path),
                "an estimator's save is not a model");
        fitted.write().overwrite().save(path);
        assertRecordsEqual(fitted.result(), MineModel.load(path).result(), "result");
    }

    @Test
    void setters_badValues_errorNamesParamAndValue() {
        MineEstimator e = new MineEstimator();
        assertMessage(() -> e.setSteps(0), "steps", "0");
        assertMessage(() -> e.setBatchSize(1), "batchSize", "1");
        assertMessage(() -> e.setLearningRate(-0.5), "learningRate", "-0.5");
        assertMessage(() -> e.setBound("mine"), "bound", "mine");
        assertMessage(() -> e.setTrainer("spark"), "trainer", "spark");
        assertMessage(() -> e.setHidden(8, 0), "hidden", "[8, 0]");
        assertMessage(() -> e.setEvalFraction(1.0), "evalFraction", "1.0");
        assertMessage(() -> e.setMaxTestRows(1), "maxTestRows", "1");
        assertMessage(() -> e.setReplicates(0), "replicates", "0");
        assertEquals(MineSpec.DEFAULT_REPLICATES, e.getReplicates());
        assertEquals(1, new MineEstimator().setXCols("a").setYCols("b").setReplicates(1).toSpec().replicates());
        assertMessage(() -> e.setXCols(), "xCols", "[]");
        assertMessage(() -> e.setYCols("a", "a"), "yCols", "[a, a]");
        assertEquals(MineSpec.DEFAULT_STEPS, e.getSteps(), "a rejected value is not set");
    }

    @Test
    void fit_badParamsOrColumns_errorNamesThem() {
        assertMessage(() -> new MineEstimator().setXCols("x0").fit(df), "yCols", "not set");
        assertMessage(() -> new MineEstimator().setXCols("x0").setYCols("q").fit(df), "yCols", "'q'");
        assertMessage(() -> new MineEstimator().setXCols("x0").setYCols("x0").fit(df), "xCols", "both");
        MineEstimator e = estimator();
        assertMessage(() -> e.fit(df, new ParamMap().put(e.steps().w(-3))), "steps", "-3");
        assertMessage(() -> fitted.transform(df.drop("y0")), "yCols", "'y0'");
    }

    @Test
    void copy_keepsResultAndParent() {
        MineModel c = fitted.copy(new ParamMap());
        assertSame(fitted.result(), c.result());
        assertSame(fitted.parent(), c.parent());
        MineEstimator e = estimator();
        assertEquals(e.toSpec().toString(), e.copy(new ParamMap().put(e.steps().w(7))).setSteps(80).toSpec().toString());
        assertEquals(7, e.copy(new ParamMap().put(e.steps().w(7))).getSteps());
    }

    private static void assertMessage(Supplier<?> call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    private static void assertMessage(Runnable call, String... parts) {
        assertMessage(() -> {
            call.run();
            return null;
        }, parts);
    }

    /** Component by component, recursing into records; doubles and double arrays compared by bits (NaN == NaN). */
    static void assertRecordsEqual(Object a, Object b, String where) {
        if (a != null && a.getClass().isRecord()) {
            assertEquals(a.getClass(), b.getClass(), where);
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                try {
                    assertRecordsEqual(c.getAccessor().invoke(a), c.getAccessor().invoke(b), where + "." + c.getName());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        } else if (a instanceof double[] d) {
            assertTrue(Arrays.equals(d, (double[]) b), where + ": " + Arrays.toString(d) + " vs " + Arrays.toString((double[]) b));
        } else if (a instanceof int[] i) {
            assertArrayEquals(i, (int[]) b, where);
        } else if (a instanceof Double d) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) b), where + ": " + a + " vs " + b);
        } else {
            assertEquals(a, b, where);
        }
    }
}
