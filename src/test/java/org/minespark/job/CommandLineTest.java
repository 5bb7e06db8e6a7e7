package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import picocli.CommandLine;

/** Flag parsing and exit codes; none of these may start Spark. */
class CommandLineTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();
    private final ByteArrayOutputStream out = cli.out;
    private final ByteArrayOutputStream err = cli.err;

    private JobContext noSpark() {
        return cli.context(false);
    }

    private int run(String... args) {
        return Main.run(args, noSpark());
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void estimateFlags_allKnobs_endUpInTheSpec() {
        EstimateCommand cmd = new EstimateCommand(noSpark());
        new CommandLine(cmd).parseArgs("--input", "in.parquet", "--x", "a,b", "--y", "c", "--y", "d", "--out", "o",
                "--seed", "9", "--steps", "77", "--batch-size", "1024", "--lr", "0.002", "--hidden", "64,32,16",
                "--eval-fraction", "0.3", "--max-train-rows", "5000", "--max-test-rows", "3000",
                "--ema-alpha", "0.05", "--kernels", "scalar",
                "--partitions", "3", "--log-every", "10", "--eval-chunk-rows", "512",
                "--eval-every", "40", "--patience", "0", "--min-delta", "0.002", "--units", "BITS",
                "--trainer", "jobs", "--permutations", "19", "--alpha", "0.01");
        MineSpec s = cmd.buildSpec();
        assertEquals(19, s.permutations());
        assertEquals(0.01, s.significanceLevel(), 0.0);
        assertEquals(40, s.evalEvery());
        assertEquals(0, s.patience());
        assertEquals(0.002, s.minDelta(), 0.0);
        assertEquals(Units.BITS, cmd.units());
        assertEquals(List.of("a", "b"), s.xColumns());
        assertEquals(List.of("c", "d"), s.yColumns());
        assertEquals(9, s.seed());
        assertEquals(77, s.steps());
        assertEquals(1024, s.batchSize());
        assertEquals(0.002, s.learningRate(), 0.0);
        assertEquals(List.of(64, 32, 16), s.hidden());
        assertEquals(0.3, s.evalFraction(), 0.0);
        assertEquals(5000, s.maxTrainRows());
        assertEquals(3000, s.maxTestRows());
        assertEquals(0.05, s.emaAlpha(), 0.0);
        assertEquals("scalar", s.kernels());
        assertEquals(3, s.partitions());
        assertEquals(10, s.logEvery());
        assertEquals(512, s.evalChunkRows());
        assertEquals("jobs", s.trainer());
    }

    @Test
    void estimateFlags_overrideTheConfigFile_whichOverridesDefaults() throws Exception {
        Path conf = dir.resolve("my.conf");
        Files.writeString(conf, "mine { train { steps = 11, batch-size = 33 } }");
        EstimateCommand cmd = new EstimateCommand(noSpark());
        new CommandLine(cmd).parseArgs("--input", "in", "--x", "a", "--y", "b", "--out", "o",
                "--config", conf.toString(), "--steps", "22");
        MineSpec s = cmd.buildSpec();
        assertEquals(22, s.steps());
        assertEquals(33, s.batchSize());
        assertEquals(MineSpec.DEFAULT_EMA_ALPHA, s.emaAlpha(), 0.0);
    }

    @Test
    void estimateFlags_checkpointsAndResume_endUpInTheSpec() throws Exception {
        EstimateCommand cmd = new EstimateCommand(noSpark());
        new CommandLine(cmd).parseArgs("--input", "in", "--x", "a", "--y", "b", "--out", "o",
                "--checkpoint-dir", "hdfs:///ck/run1", "--checkpoint-every", "120", "--resume");
        MineSpec s = cmd.buildSpec();
        assertEquals("hdfs:///ck/run1", s.checkpointDir());
        assertEquals(120, s.checkpointEvery());
        assertTrue(s.resume());
        // defaults: no directory (off), every 500, no resume; the directory may come from the file
        Path conf = dir.resolve("ck.conf");
        Files.writeString(conf, "mine { train { checkpoint-dir = \"/tmp/ck\" } }");
        EstimateCommand plain = new EstimateCommand(noSpark());
        new CommandLine(plain).parseArgs("--input", "in", "--x", "a", "--y", "b", "--out", "o");
        MineSpec d = plain.buildSpec();
        assertEquals(null, d.checkpointDir());
        assertEquals(MineSpec.DEFAULT_CHECKPOINT_EVERY, d.checkpointEvery());
        assertFalse(d.resume());
        EstimateCommand fromFile = new EstimateCommand(noSpark());
        new CommandLine(fromFile).parseArgs("--input", "in", "--x", "a", "--y", "b", "--out", "o", "--config",
                conf.toString());
        assertEquals("/tmp/ck", fromFile.buildSpec().checkpointDir());
    }

    @Test
    void run_resumeWithoutCheckpointDir_orNegativeInterval_exits2BeforeStartingSpark() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--resume"));
        assertTrue(err().contains("--resume needs a checkpoint directory (--checkpoint-dir"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o",
                "--checkpoint-every", "-5"));
        assertTrue(err().contains("--checkpoint-every / mine.train.checkpoint-every: checkpoint-every must be >= 0"), err());
    }

    @Test
    void run_unknownFlag_exits2WithOneLineError() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--stepz", "3"));
        assertTrue(err().startsWith("mine-spark: error: Unknown option"), err());
        assertTrue(err().contains("'--stepz'"), err());
    }

    @Test
    void run_unknownSubcommand_exits2() {
        assertEquals(ExitCodes.USAGE, run("frobnicate"));
        assertTrue(err().contains("mine-spark: error:"), err());
    }

    @Test
    void run_noSubcommand_printsUsageAndExits2() {
        assertEquals(ExitCodes.USAGE, run());
        assertTrue(err().contains("Usage: mine-spark"), err());
    }

    @Test
    void run_missingRequiredOption_exits2() {
        assertEquals(ExitCodes.USAGE, run("generate", "--task", "gauss-channel", "--out", "o"));
        assertTrue(err().contains("--rows"), err());
    }

    @Test
    void run_badNumber_exits2() {
        assertEquals(ExitCodes.USAGE, run("generate", "--task", "gauss-channel", "--rows", "many", "--out", "o"));
    }

    @Test
    void run_valueOutOfRange_exits2BeforeStartingSpark() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--lr", "-1"));
        assertTrue(err().contains("learning-rate"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("generate", "--task", "nope", "--rows", "10", "--out", "o"));
        assertTrue(err().startsWith("mine-spark: error: task: unknown task 'nope'"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "a", "--out", "o"));
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--format", "xls"));
    }

    @Test
    void run_unknownConfigKey_exits2NamingTheKey() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "mine.train.learnig-rate = 0.1");
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o",
                "--config", conf.toString()));
        assertTrue(err().contains("mine.train.learnig-rate"), err());
    }

    @Test
    void run_help_exits0ForEverySubcommand() {
        for (String sub : List.of("generate", "estimate", "demo")) {
            out.reset();
            assertEquals(ExitCodes.OK, run(sub, "--help"), sub);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: mine-spark " + sub), sub);
        }
        out.reset();
        assertEquals(ExitCodes.OK, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Exit codes"));
        assertEquals(ExitCodes.OK, run("help", "estimate"));
    }

    @Test
    void usage_everySubcommand_rendersWithoutPicocliFormatWarnings() {
        // picocli formats descriptions with String.format: a lone '%' (as in "95% interval") is a
        // format error it reports on System.err and then prints the raw text
        PrintStream saved = System.err;
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
        StringBuilder usage = new StringBuilder();
        try {
            CommandLine cl = Main.commandLine(noSpark());
            for (CommandLine sub : cl.getSubcommands().values()) {
                usage.append(sub.getUsageMessage());
            }
        } finally {
            System.setErr(saved);
        }
        String warnings = sysErr.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("picocli WARN"), warnings);
        assertTrue(usage.toString().contains("95%"), "the escaped percent signs render as one '%'");
        assertFalse(usage.toString().contains("%%"), "no percent sign is left escaped");
    }

    @Test
    void exitCode_mapsExceptionTypes() {
        assertEquals(ExitCodes.USAGE, Main.exitCode(new IllegalArgumentException("x")));
        assertEquals(ExitCodes.INPUT, Main.exitCode(new InputDataException("x")));
        assertEquals(ExitCodes.INPUT, Main.exitCode(new RuntimeException(new InputDataException("x"))));
        assertEquals(ExitCodes.OUTPUT, Main.exitCode(new OutputException("x")));
        assertEquals(ExitCodes.INPUT, Main.exitCode(new org.minespark.spec.MineInputException("x")));
        assertEquals(ExitCodes.INPUT, Main.exitCode(new RuntimeException(new org.minespark.spec.MineInputException("x"))));
        assertEquals(ExitCodes.FAILURE, Main.exitCode(new UnsupportedOperationException("x")));
        assertEquals(ExitCodes.FAILURE, Main.exitCode(new RuntimeException(new IllegalArgumentException("x"))));
    }

    @Test
    void handle_printsOneLineWithoutVerbose_andTheTraceWithIt() {
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OUTPUT, Main.handle(new OutputException("--out o already exists"), ps, false));
        assertEquals("mine-spark: error: --out o already exists", err().strip());
        err.reset();
        assertEquals(ExitCodes.FAILURE, Main.handle(new IllegalStateException("boom"), ps, true));
        assertTrue(err().startsWith("mine-spark: error: IllegalStateException: boom"), err());
        assertTrue(err().contains("\tat "), err());
    }

    @Test
    void resolveFormat_fromFlagOrExtension() {
        assertEquals("csv", Jobs.resolveFormat(null, "/data/t.csv"));
        assertEquals("json", Jobs.resolveFormat(null, "/data/t.jsonl/"));
        assertEquals("orc", Jobs.resolveFormat(null, "t.orc"));
        assertEquals("parquet", Jobs.resolveFormat(null, "/data/table"));
        assertEquals("csv", Jobs.resolveFormat("CSV", "/data/table"));
    }

    @Test
    void progressLine_hasTheDocumentedShape() {
        assertEquals("step 500/3000  estimate 3.87 nats  62k samples/s  ETA 41s",
                ConsoleProgress.line(500, 3000, 3.8712, 62_400, 41.2));
        assertEquals("3m05s", ConsoleProgress.duration(185));
        assertEquals("1.2M", ConsoleProgress.rate(1.24e6));
    }

    @Test
    void summary_hasTheDocumentedShape() {
        assertEquals("MI estimate: 4.12 nats (5.94 bits), 95% CI [4.05, 4.19], truth 4.159 nats",
                Jobs.summary(JsonWriterTest.sampleResult(), 1.5 * Math.log(16)));
        assertEquals("MI estimate: 4.12 nats (5.94 bits), 95% CI [4.05, 4.19]",
                Jobs.summary(JsonWriterTest.sampleResult(), Double.NaN));
    }

    @Test
    void summary_replicatesAndALowerBound() {
        org.minespark.spec.MiResult r = JsonWriterTest.sampleResult();
        org.minespark.spec.MiResult two = r.withInterval(4.12, 4.02, 4.22, 0.03, new org.minespark.spec.TrainingInterval(
                "replicates", new double[] {4.1, 4.11, 4.13}, 0.015, 40, false, 4.06, 4.18, 4.13));
        assertEquals("MI estimate: 4.12 nats (5.94 bits), 95% CI [4.02, 4.22]; CI over 3 replicate critics",
                Jobs.summary(two, Double.NaN));
        org.minespark.spec.MiResult low = r.withInterval(5.62, 5.5, Double.POSITIVE_INFINITY, 0.06,
                new org.minespark.spec.TrainingInterval("replicates", new double[] {5.6, 5.55, 5.65}, 0.05, 3, true,
                        5.5, 5.74, 5.65));
        assertEquals("MI estimate: at least 5.62 nats (8.11 bits), a lower bound (near the estimator's limit): 95% "
                + "one-sided CI [5.50, inf); CI over 3 replicate critics", Jobs.summary(low, Double.NaN));
        // result.json: the open upper end is null (JSON has no infinity), the interval says it is one-sided
        String json = JsonWriter.toJson(low.toMap());
        assertTrue(json.contains("\"ci95_nats\": [5.5, null]") && json.contains("\"interval_sided\": \"lower\""), json);
    }

    @Test
    void estimateFlags_outOfRange_nameFlagKeyAndValue() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--batch-size", "1"));
        assertTrue(err().contains("--batch-size / mine.train.batch-size: batch-size must be >= 2, got 1"), err());
    }

    @Test
    void estimateFlags_badUnitsOrEarlyStopping_exit2NamingFlagAndValue() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--units", "dB"));
        assertTrue(err().contains("--units / mine.units: unknown unit 'dB', expected nats or bits"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--patience", "-1"));
        assertTrue(err().contains("--patience / mine.train.patience: patience must be >= 0 (0 = no early stopping), got -1"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--min-delta", "-0.1"));
        assertTrue(err().contains("--min-delta / mine.train.min-delta: min-delta must be a finite value >= 0"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o", "--eval-every", "-5"));
        assertTrue(err().contains("--eval-every / mine.train.eval-every: eval-every must be >= 0"), err());
    }

    @Test
    void handle_trainingFailure_exits5WithTheMessage() {
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        String msg = "training diverged at learning rate 1 (x) and again after a retry from scratch at learning rate 0.1 (y)";
        assertEquals(ExitCodes.TRAINING, Main.handle(new org.minespark.spec.MineTrainingException(msg), ps, false));
        assertEquals("mine-spark: error: " + msg, err().strip());
        assertEquals(ExitCodes.TRAINING, Main.exitCode(new RuntimeException(new org.minespark.spec.MineTrainingException("x"))));
    }

    @Test
    void summaryAndProgress_inBits_convertEveryNumber() {
        MiResult r = JsonWriterTest.sampleResult();
        assertEquals("MI estimate: 5.94 bits (4.12 nats), 95% CI [5.84, 6.04] bits, truth 6.000 bits",
                Jobs.summary(r, 1.5 * Math.log(16), Units.BITS));
        assertEquals("step 500/3000  estimate 5.58 bits  62k samples/s  ETA 41s",
                ConsoleProgress.line(500, 3000, 3.8712, 62_400, 41.2, Units.BITS));
        assertTrue(ConsoleProgress.bar(500, 3000, 3.8712, 41.2, Units.BITS).contains("5.585 bits"));
    }

    @Test
    void summary_withATest_saysWhetherDependent() {
        assertTrue(Jobs.summary(JsonWriterTest.significantResult(), Double.NaN).endsWith("; dependent (p = 0.01)"),
                Jobs.summary(JsonWriterTest.significantResult(), Double.NaN));
        MiResult r = JsonWriterTest.sampleResult();
        MiResult notDep = new MiResult(0.0, 0.0, 0.01, 0.005, r.nRows(), r.nDropped(), r.nTrain(), r.nEval(),
                r.steps(), r.bound(), r.kernels(), r.seconds(), r.trainSeconds(), r.trainSamplesPerS(), r.curve(),
                r.status(), r.warnings(), r.convergence(),
                new MiResult.Significance(MiResult.Significance.TEST_PERMUTATION, 99, 0.05, 0.43, false, 0.0, 0.01));
        assertTrue(Jobs.summary(notDep, Double.NaN).endsWith("; no evidence of dependence (p = 0.43)"),
                Jobs.summary(notDep, Double.NaN));
        MiResult ci = new MiResult(r.miNats(), r.ci95LowNats(), r.ci95HighNats(), r.stdErrNats(), r.nRows(),
                r.nDropped(), r.nTrain(), r.nEval(), r.steps(), r.bound(), r.kernels(), r.seconds(), r.trainSeconds(),
                r.trainSamplesPerS(), r.curve(), r.status(), r.warnings(), r.convergence(),
                new MiResult.Significance(MiResult.Significance.TEST_CI, 0, Double.NaN, Double.NaN, true, Double.NaN,
                        Double.NaN));
        assertTrue(Jobs.summary(ci, Double.NaN).endsWith("; dependent (95% CI lower end > 0)"), Jobs.summary(ci, Double.NaN));
    }

    @Test
    void summary_withRetrainedNull_addsItsPValue() {
        MiResult r = JsonWriterTest.significantResult().withRetrainedNull(
                MiResult.RetrainedNull.of(4.0, new double[] {0.01, -0.02, 0.03, 0.0}));
        assertTrue(Jobs.summary(r, Double.NaN).endsWith("; dependent (p = 0.01); retrained null (4 critics) p = 0.2"),
                Jobs.summary(r, Double.NaN));
        assertEquals(0.2, (Double) r.toMap().get("p_value_retrained"), 1e-15);
    }

    @Test
    void estimateFlags_badNullRetrain_exit2NamingFlagAndValue() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o",
                "--null-retrain", "-1"));
        assertTrue(err().contains("--null-retrain / mine.eval.null-retrain: null-retrain must be in [0, 999]"
                + " (0 = off), got -1"), err());
    }

    @Test
    void pairs_nullRetrain_exit2EstimateOnly() {
        assertEquals(ExitCodes.USAGE, run("pairs", "--input", "i", "--columns", "a,b", "--out", "o",
                "--null-retrain", "3"));
        assertTrue(err().contains("--null-retrain / mine.eval.null-retrain is for estimate only"), err());
    }

    @Test
    void estimateFlags_badPermutationsOrAlpha_exit2NamingFlagAndValue() {
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o",
                "--permutations", "-1"));
        assertTrue(err().contains("--permutations / mine.eval.permutations: permutations must be in [0, 9999]"
                + " (0 = no permutation test), got -1"), err());
        err.reset();
        assertEquals(ExitCodes.USAGE, run("estimate", "--input", "i", "--x", "a", "--y", "b", "--out", "o",
                "--alpha", "1.5"));
        assertTrue(err().contains("--alpha / mine.eval.significance-level: significance-level must be in (0, 1), got 1.5"),
                err());
    }

    @Test
    void summary_withValidation_saysHowTrainingEnded() {
        MiResult base = JsonWriterTest.sampleResult();
        MiResult conv = withConvergence(base, new MiResult.Convergence(250, true, false, false, 1e-3, Double.NaN, 5000,
                new int[] {250, 300}, new double[] {4.1, 4.1}));
        assertTrue(Jobs.summary(conv, Double.NaN).endsWith("; converged (300 steps run, best step 250)"),
                Jobs.summary(conv, Double.NaN));
        MiResult rising = withConvergence(base, new MiResult.Convergence(300, false, true, true, 1e-4, 1e-4, 5000,
                new int[] {250, 300}, new double[] {3.9, 4.1}));
        assertTrue(Jobs.summary(rising, Double.NaN).endsWith(
                "; diverged at first, retried at learning rate 0.0001; still increasing after 300 steps: train longer (--steps)"),
                Jobs.summary(rising, Double.NaN));
    }

    private static MiResult withConvergence(MiResult r, MiResult.Convergence c) {
        return new MiResult(r.miNats(), r.ci95LowNats(), r.ci95HighNats(), r.stdErrNats(), r.nRows(), r.nDropped(),
                r.nTrain(), r.nEval(), r.steps(), r.bound(), r.kernels(), r.seconds(), r.trainSeconds(),
                r.trainSamplesPerS(), r.curve(), r.status(), r.warnings(), c);
    }

    @Test
    void config_unknownKey_suggestsTheClosest() {
        assertEquals(" (did you mean mine.train.steps?)", MineConfig.closest("mine.train.step", List.of("mine.seed", "mine.train.steps")));
        assertEquals("", MineConfig.closest("mine.frobnicate", List.of("mine.seed", "mine.train.steps")));
    }
}
