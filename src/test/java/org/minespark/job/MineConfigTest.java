package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MineSpec;

class MineConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static MineSpec spec(Config c) {
        return MineConfig.toSpec(c, List.of("a"), List.of("b"));
    }

    @Test
    void reference_matchesMineSpecDefaults() {
        MineSpec fromConf = spec(MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of()));
        MineSpec defaults = MineSpec.x("a").y("b");
        assertEquals(defaults.toString(), fromConf.toString());
        assertEquals(defaults.evalChunkRows(), fromConf.evalChunkRows());
        assertEquals(defaults.logEvery(), fromConf.logEvery());
        assertEquals(MineSpec.DEFAULT_EVAL_EVERY, fromConf.evalEvery());
        assertEquals(MineSpec.DEFAULT_PATIENCE, fromConf.patience());
        assertEquals(MineSpec.DEFAULT_MIN_DELTA, fromConf.minDelta(), 0.0);
        assertEquals(Units.NATS, MineConfig.units(MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of())));
    }

    @Test
    void units_badValueInFile_namesFlagKeyValueAndFile() throws IOException {
        Path f = dir.resolve("u.conf");
        Files.writeString(f, "mine.units = \"shannons\"\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MineConfig.units(MineConfig.merge(MineConfig.parseFile(f), Map.of())));
        assertTrue(e.getMessage().startsWith("--units / mine.units: unknown unit 'shannons', expected nats or bits"),
                e.getMessage());
        assertTrue(e.getMessage().contains("u.conf"), e.getMessage());
    }

    @Test
    void confMineConf_hasTheSameValuesAsReference() {
        Path shipped = Path.of("conf", "mine.conf");
        Config file = MineConfig.parseFile(shipped);
        assertEquals(MineConfig.reference().root().render(com.typesafe.config.ConfigRenderOptions.concise()),
                file.root().render(com.typesafe.config.ConfigRenderOptions.concise()));
    }

    @Test
    void merge_flagsOverFileOverReference() throws IOException {
        Path f = write("a.conf", "mine { train { steps = 123, batch-size = 64 }, critic.hidden = [8, 4] }");
        Config c = MineConfig.merge(MineConfig.parseFile(f), Map.of(MineConfig.STEPS, 7));
        MineSpec s = spec(c);
        assertEquals(7, s.steps());                       // flag wins over the file
        assertEquals(64, s.batchSize());                  // file wins over the reference
        assertEquals(List.of(8, 4), s.hidden());
        assertEquals(MineSpec.DEFAULT_LEARNING_RATE, s.learningRate(), 0.0);  // reference
    }

    @Test
    void parseFile_unknownKeyUnderMine_isAnErrorNamingTheKey() throws IOException {
        Path f = write("typo.conf", "mine.train.stpes = 10\nmine.train.steps = 5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MineConfig.parseFile(f));
        assertTrue(e.getMessage().contains("mine.train.stpes"), e.getMessage());
        assertTrue(e.getMessage().contains("typo.conf"), e.getMessage());
    }

    @Test
    void parseFile_keyOutsideMine_isAnError() throws IOException {
        Path f = write("other.conf", "mien { seed = 1 }");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MineConfig.parseFile(f));
        assertTrue(e.getMessage().contains("mien"), e.getMessage());
    }

    @Test
    void parseFile_keyBelowALeaf_isAnError() throws IOException {
        Path f = write("deep.conf", "mine.seed.value = 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MineConfig.parseFile(f));
        assertTrue(e.getMessage().contains("mine.seed.value"), e.getMessage());
    }

    @Test
    void merge_wrongType_isAnIllegalArgument() throws IOException {
        Path f = write("type.conf", "mine.train.steps = lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(MineConfig.merge(MineConfig.parseFile(f), Map.of())));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
    }

    @Test
    void toSpec_outOfRangeValue_isAnIllegalArgumentNamingIt() throws IOException {
        Path f = write("range.conf", "mine.data.eval-fraction = 1.5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(MineConfig.merge(MineConfig.parseFile(f), Map.of())));
        assertTrue(e.getMessage().contains("eval-fraction"), e.getMessage());
    }

    @Test
    void toSpec_unknownTrainer_isAnIllegalArgumentNamingFlagKeyAndValue() throws IOException {
        Path f = write("trainer.conf", "mine.train.trainer = spark");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(MineConfig.merge(MineConfig.parseFile(f), Map.of())));
        assertTrue(e.getMessage().contains("--trainer"), e.getMessage());
        assertTrue(e.getMessage().contains("'spark'"), e.getMessage());
        assertEquals("jobs", spec(MineConfig.merge(MineConfig.parseFile(write("jobs.conf", "mine.train.trainer = jobs")),
                Map.of())).trainer());
    }

    @Test
    void parseFile_syntaxError_isAnIllegalArgument() throws IOException {
        Path f = write("broken.conf", "mine { train { steps = ");
        assertThrows(IllegalArgumentException.class, () -> MineConfig.parseFile(f));
    }

    @Test
    void locateFile_explicitThenEnvThenDefault() throws IOException {
        Path f = write("x.conf", "mine.seed = 1");
        assertEquals(f, MineConfig.locateFile(f, Map.of(MineConfig.ENV_CONFIG, "/nonexistent")));
        assertEquals(f, MineConfig.locateFile(null, Map.of(MineConfig.ENV_CONFIG, f.toString())));
        assertThrows(IllegalArgumentException.class, () -> MineConfig.locateFile(dir.resolve("missing.conf"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> MineConfig.locateFile(null, Map.of(MineConfig.ENV_CONFIG, dir.resolve("missing.conf").toString())));
        // the tests run in the project root, where conf/mine.conf exists
        assertEquals(MineConfig.DEFAULT_FILE, MineConfig.locateFile(null, Map.of()));
        assertTrue(MineConfig.parseFile(null).isEmpty());
    }

    @Test
    void toSpec_boundAndCriticKeys_fromFileAndFlags() throws IOException {
        Path f = write("b.conf", "mine { train { bound = smile, smile-tau = 2.5, infonce-k = 32 }, "
                + "critic { type = separable, embed-dim = 16 } }");
        MineSpec s = spec(MineConfig.merge(MineConfig.parseFile(f), Map.of(MineConfig.BOUND, "nwj")));
        assertEquals("nwj", s.bound());                   // flag wins over the file
        assertEquals(2.5, s.smileTau(), 0.0);
        assertEquals(32, s.infonceK());
        assertEquals("separable", s.critic());
        assertEquals(16, s.embedDim());
        MineSpec d = spec(MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of()));
        assertEquals(MineSpec.DEFAULT_BOUND, d.bound());
        assertEquals(MineSpec.DEFAULT_CRITIC, d.critic());
    }

    @Test
    void toSpec_permutationKeys_fromFileAndFlags() throws IOException {
        Path f = write("p.conf", "mine.eval { permutations = 0, significance-level = 0.01 }");
        MineSpec s = spec(MineConfig.merge(MineConfig.parseFile(f), Map.of(MineConfig.SIGNIFICANCE_LEVEL, 0.1)));
        assertEquals(0, s.permutations());
        assertEquals(0.1, s.significanceLevel(), 0.0); // flag wins over the file
        MineSpec d = spec(MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of()));
        assertEquals(MineSpec.DEFAULT_PERMUTATIONS, d.permutations());
        assertEquals(MineSpec.DEFAULT_SIGNIFICANCE_LEVEL, d.significanceLevel(), 0.0);
        for (Object[] c : new Object[][] {
            {MineConfig.PERMUTATIONS, 10_000, "--permutations", "10000"},
            {MineConfig.SIGNIFICANCE_LEVEL, 0.0, "--alpha", "0.0"},
            {MineConfig.SIGNIFICANCE_LEVEL, 1.0, "--alpha", "1.0"},
        }) {
            Config merged = MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of((String) c[0], c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(merged));
            assertTrue(e.getMessage().contains((String) c[2]) && e.getMessage().contains((String) c[3]), e.getMessage());
        }
    }

    @Test
    void toSpec_batchGrowthKeys_fromFileAndFlags() throws IOException {
        Path f = write("g.conf", "mine.train { batch-growth = off, max-batch-size = 4096 }");
        MineSpec s = spec(MineConfig.merge(MineConfig.parseFile(f), Map.of(MineConfig.BATCH_GROWTH_PAIRS, 40.0)));
        assertFalse(s.batchGrowth());
        assertEquals(4096, s.maxBatchSize());
        assertEquals(40.0, s.batchGrowthPairs(), 0.0); // flag
        MineSpec on = spec(MineConfig.merge(MineConfig.parseFile(f), Map.of(MineConfig.BATCH_GROWTH, "on")));
        assertTrue(on.batchGrowth(), "the flag value 'on' wins over the file's off");
        MineSpec d = spec(MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of()));
        assertTrue(d.batchGrowth());
        assertEquals(0, d.maxBatchSize(), "default: chosen from the input's shape");
        assertEquals(2048, d.maxBatchSizeFor(6));
        assertEquals(4096, d.maxBatchSizeFor(40));
        assertEquals(4096, s.maxBatchSizeFor(6), "a set cap wins whatever the input");
        for (Object[] c : new Object[][] {
            {MineConfig.MAX_BATCH_SIZE, -1, "--max-batch-size", "-1"},
            {MineConfig.BATCH_GROWTH_PAIRS, -1.0, "--batch-growth-pairs", "-1.0"},
            {MineConfig.BATCH_GROWTH, "maybe", "--batch-growth", "maybe"},
        }) {
            Config merged = MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of((String) c[0], c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(merged));
            assertTrue(e.getMessage().contains((String) c[2]) && e.getMessage().contains((String) c[3]), e.getMessage());
        }
    }

    @Test
    void toSpec_badBoundOrCritic_namesFlagAndValue() {
        String[][] cases = {
            {MineConfig.BOUND, "mine", "--bound"},
            {MineConfig.SMILE_TAU, "-1", "--smile-tau"},
            {MineConfig.INFONCE_K, "1", "--infonce-k"},
            {MineConfig.CRITIC_TYPE, "bilinear", "--critic"},
            {MineConfig.EMBED_DIM, "0", "--embed-dim"},
        };
        for (String[] c : cases) {
            Object v = c[0].equals(MineConfig.BOUND) || c[0].equals(MineConfig.CRITIC_TYPE) ? c[1]
                    : (Object) Double.valueOf(c[1]);
            if (c[0].equals(MineConfig.INFONCE_K) || c[0].equals(MineConfig.EMBED_DIM)) {
                v = Integer.valueOf(c[1]);
            }
            Config merged = MineConfig.merge(com.typesafe.config.ConfigFactory.empty(), Map.of(c[0], v));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(merged));
            assertTrue(e.getMessage().contains(c[2]) && e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
