package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minespark.api.MutualInformation;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.PlugIn;

/**
 * The plug-in estimate beside MINE: a code-like integer column (100 codes) whose individual values
 * carry the dependence (y is a random lookup of the code with probability 0.7, else uniform over
 * 10 values), the case where a smooth critic on one scalar is low, and a Gaussian pair that is
 * binned. Both commands report the same plug-in values for the same pair.
 */
class PlugInSparkTest {
    private static final int CODES = 100;
    private static final int SYMBOLS = 10;
    private static final double KEEP = 0.7;
    private static final double RHO = 0.8;
    private static Dataset<Row> data;
    private static double truth;

    @BeforeAll
    static void data() {
        SplittableRandom r = new SplittableRandom(21);
        int[] lookup = new int[CODES];
        for (int c = 0; c < CODES; c++) {
            lookup[c] = r.nextInt(SYMBOLS);
        }
        // exact MI of the code and y: sum_x p(x) sum_y p(y|x) ln(p(y|x) / p(y))
        double[] py = new double[SYMBOLS];
        for (int c = 0; c < CODES; c++) {
            for (int y = 0; y < SYMBOLS; y++) {
                py[y] += (KEEP * (lookup[c] == y ? 1 : 0) + (1 - KEEP) / SYMBOLS) / CODES;
            }
        }
        double mi = 0;
        for (int c = 0; c < CODES; c++) {
            for (int y = 0; y < SYMBOLS; y++) {
                double p = KEEP * (lookup[c] == y ? 1 : 0) + (1 - KEEP) / SYMBOLS;
                mi += p / CODES * Math.log(p / py[y]);
            }
        }
        truth = mi;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int code = r.nextInt(CODES);
            int y = r.nextDouble() < KEEP ? lookup[code] : r.nextInt(SYMBOLS);
            double g = r.nextGaussian();
            double h = RHO * g + Math.sqrt(1 - RHO * RHO) * r.nextGaussian();
            rows.add(RowFactory.create((long) (1000 + 7 * code), (double) y, g, h));
        }
        StructType schema = new StructType().add("code", DataTypes.LongType).add("y", DataTypes.DoubleType)
                .add("g", DataTypes.DoubleType).add("h", DataTypes.DoubleType);
        data = SparkFixture.local2().createDataFrame(rows, schema).repartition(2).cache();
    }

    private static MineSpec spec(String x, String y) {
        return MineSpec.x(x).y(y).withSeed(4).withSteps(100).withBatchSize(256).withHidden(List.of(16))
                .withLogEvery(1000).withPermutations(0);
    }

    /**
     * The code column is coded per value (100 levels, 160 training rows each) and y per value (10):
     * the Miller-Madow plug-in lands within 4 standard errors plus 0.02 nats (the remaining bias at
     * 1000 cells and about 16 rows per cell) of the exact MI, and its G-test rejects independence.
     * Through pairs the same pair gives the same plug-in bits.
     */
    @Test
    void codeColumn_plugInNearTruth_sameThroughPairs() {
        MiResult r = MineRunner.run(data, spec("code", "y"), null);
        PlugIn p = r.plugIn();
        System.out.printf("code ~ y: truth %.4f, plug-in %.4f +- %.4f (%s ~ %s, %d cells), MINE %.4f%n", truth, p.nats(),
                p.stdErr(), p.xCoding(), p.yCoding(), p.cells(), r.miNats());
        assertEquals("levels:" + CODES, p.xCoding());
        assertEquals("levels:" + SYMBOLS, p.yCoding());
        assertEquals(truth, p.nats(), 4 * p.stdErr() + 0.02, p.toString());
        assertTrue(p.pValue() < 1e-6, p.toString());
        assertEquals(r.nTrain(), p.n());
        assertEquals(p.nats(), (double) r.toMap().get("plugin_nats"), 0.0);
        PairsSpec ps = PairsSpec.of(Map.of("code", List.of("code"), "y", List.of("y")), List.of(List.of("code", "y")))
                .withHidden(List.of(16)).withTraining(spec("code", "y"));
        PairResult pr = MutualInformation.pairs(data, ps).pairs().get(0);
        assertEquals(Double.doubleToRawLongBits(p.nats()), Double.doubleToRawLongBits(pr.plugIn().nats()));
        assertEquals(p, pr.plugIn());
    }

    /**
     * Two continuous columns are binned in equal-frequency bins of their normal scores (sqrt(16000
     * / 10) = 40 bins each): the binned plug-in is at most the Gaussian MI -ln(1 - rho^2)/2 = 0.511
     * up to its bias and error (binning loses information) and well above 0; a multi-dimension side
     * gets no plug-in and says why.
     */
    @Test
    void continuousPair_isBinned_andMultiDimensionSideHasNone() {
        MiResult r = MineRunner.run(data, spec("g", "h"), null);
        PlugIn p = r.plugIn();
        double gauss = -0.5 * Math.log(1 - RHO * RHO);
        assertEquals("bins:40", p.xCoding());
        assertEquals("bins:40", p.yCoding());
        assertTrue(p.nats() > 0.6 * gauss && p.nats() < gauss + 4 * p.stdErr() + 0.02, p + " vs " + gauss);
        MiResult two = MineRunner.run(data, MineSpec.x("g", "code").y("h").withSeed(4).withSteps(20).withBatchSize(256)
                .withHidden(List.of(8)).withLogEvery(1000).withPermutations(0), null);
        assertFalse(two.plugIn().computed());
        assertTrue(two.plugIn().note().contains("one dimension or one string column"), two.plugIn().note());
    }
}
