package org.minespark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.minespark.api.ml.MineEstimator;

/**
 * Every setting is declared once ({@link Settings#ALL}), and what is derived from the declaration
 * covers it: a new field of {@link MineSpec} that is not declared fails here, and so does a
 * training setting that the checkpoint fingerprint would not see.
 */
class SettingsTest {
    /**
     * The settings that do NOT change the training arithmetic, each with the reason; every other
     * setting must be in the fingerprint. Adding a setting to this list is a deliberate decision.
     */
    private static final Map<String, String> NOT_TRAINING = Map.of(
            "permutations", "the permutation test runs on the test rows after training",
            "significanceLevel", "only the verdict on the p-value",
            "nullRetrain", "retrained null critics run after the checkpointed training",
            "evalChunkRows", "the test-row evaluation runs after training",
            "maxTestRows", "a sample of the test rows, drawn by its own stream: training and validation rows unchanged",
            "trainer", "stream and jobs give the same weights bit for bit",
            "logEvery", "logging only",
            "checkpointDir", "where checkpoints go, not what they hold",
            "checkpointEvery", "when checkpoints are written, not what they hold",
            "resume", "whether to read a checkpoint");

    /** For each training setting a valid value that differs from the base spec's. */
    private static final Map<String, Object> OTHER = new HashMap<>();

    static {
        OTHER.put("xColumns", List.of("a2"));
        OTHER.put("yColumns", List.of("b2"));
        OTHER.put("xShape", List.of(1, 1));
        OTHER.put("yShape", List.of(1, 1));
        OTHER.put("critic", "separable");
        OTHER.put("replicates", 2);
        OTHER.put("hidden", List.of(8));
        OTHER.put("embedDim", 7);
        OTHER.put("bound", "nwj");
        OTHER.put("smileTau", 3.0);
        OTHER.put("infonceK", 9);
        OTHER.put("steps", 11);
        OTHER.put("batchSize", 33);
        OTHER.put("learningRate", 0.02);
        OTHER.put("emaAlpha", 0.5);
        OTHER.put("lrFinalFraction", 1.0);
        OTHER.put("batchGrowth", false);
        OTHER.put("maxBatchSize", 99);
        OTHER.put("batchGrowthPairs", 3.0);
        OTHER.put("evalEvery", 7);
        OTHER.put("patience", 2);
        OTHER.put("minDelta", 0.5);
        OTHER.put("transform", "standardize");
        OTHER.put("encoding", "scalar");
        OTHER.put("evalFraction", 0.3);
        OTHER.put("maxTrainRows", 1000L);
        OTHER.put("evalPairings", 3);
        OTHER.put("seed", 5L);
        OTHER.put("kernels", "scalar");
        OTHER.put("partitions", 3);
    }

    private static MineSpec base() {
        return MineSpec.x("a").y("b");
    }

    @Test
    void everyComponentOfEveryGroup_isDeclaredOnce() throws Exception {
        Set<String> declared = new HashSet<>();
        for (Settings.Setting t : Settings.ALL) {
            assertTrue(declared.add(t.group() + "." + t.name()), "declared twice: " + t.name());
        }
        Set<String> components = new TreeSet<>();
        for (Field f : MineSpec.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            // a loose field (not a settings record) is a setting nothing derives from
            assertTrue(f.getType().isRecord(), "MineSpec field " + f.getName() + " is not a settings record");
            for (RecordComponent c : f.getType().getRecordComponents()) {
                components.add(f.getType().getSimpleName() + "." + c.getName());
                // the declaration reads the same value as the record holds
                Settings.Setting t = Settings.byName(c.getName());
                f.setAccessible(true);
                Object group = f.get(base());
                assertEquals(c.getAccessor().invoke(group), t.of(base()), c.getName());
            }
        }
        assertEquals(components, new TreeSet<>(declared));
    }

    @Test
    void fingerprint_holdsExactlyTheTrainingSettings_andSeesEachOneChange() {
        MineSpec base = base();
        Map<String, String> f0 = Settings.fingerprint(base);
        for (Settings.Setting t : Settings.ALL) {
            if (NOT_TRAINING.containsKey(t.name())) {
                assertTrue(!t.training() && !f0.containsKey(t.label()), t.name() + " is declared as a training setting");
                continue;
            }
            assertTrue(t.training(), t.name() + " changes the training: declare it training (or list it above with a"
                    + " reason)");
            Object other = OTHER.get(t.name());
            assertTrue(other != null, "no test value for " + t.name());
            MineSpec changed = t.apply(base, other);
            assertEquals(other, t.of(changed), t.name());
            assertNotEquals(f0, Settings.fingerprint(changed), t.name() + " is missing from the fingerprint");
        }
    }

    @Test
    void toString_namesEverySetting() {
        String s = base().withSteps(17).toString();
        for (Settings.Setting t : Settings.ALL) {
            assertTrue(s.contains(t.name() + "="), t.name() + " missing from " + s);
        }
        assertTrue(s.contains("steps=17"), s);
    }

    /** The Spark ML adapter's parameters are exactly the declared ones (same names). */
    @Test
    void mlAdapterParams_matchTheDeclaration() {
        MineEstimator e = new MineEstimator();
        Set<String> declared = new TreeSet<>();
        for (Settings.Setting t : Settings.ALL) {
            if (t.mlParam() != null) {
                declared.add(t.mlParam());
                assertTrue(e.hasParam(t.mlParam()), "MineEstimator has no param " + t.mlParam());
            }
        }
        Set<String> params = new TreeSet<>();
        for (org.apache.spark.ml.param.Param<?> p : e.params()) {
            params.add(p.name());
        }
        assertEquals(declared, params);
    }
}
