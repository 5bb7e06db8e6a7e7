package org.minespark.job;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.minespark.spec.MineInputException;
import org.minespark.spec.MineTrainingException;
import picocli.CommandLine;

/**
 * The {@code mine-spark} command line: {@code generate}, {@code estimate}, {@code demo}, {@code bench}, {@code accuracy},
 * {@code help}. Run it with {@code submit-scripts/mine-submit} or
 * {@code spark-submit --class org.minespark.job.Main mine-spark.jar COMMAND ...}.
 *
 * <p>Exit codes ({@link ExitCodes}): 0 ok; 1 other failure; 2 usage error (picocli errors and any
 * other {@link IllegalArgumentException}: a bad parameter); 3 bad input data
 * ({@link InputDataException}, {@link MineInputException}); 4 output exists or is not writable;
 * 5 training diverged twice ({@link MineTrainingException}). Errors
 * print one line {@code mine-spark: error: ...} on stderr; {@code --verbose} adds the stack trace.
 */
public final class Main {
    static final String PROGRAM = "mine-spark";

    private Main() {
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit code (never calls {@link System#exit}). Starts a
     * SparkSession only if the command needs one, and stops it at the end. The master comes from
     * spark-submit; when none is configured (a plain {@code java -cp} run) it is {@code local[*]}.
     */
    public static int run(String[] args) {
        JobContext ctx = new JobContext(Main::createSession, System.out, System.err);
        try {
            return run(args, ctx);
        } finally {
            SparkSession s = ctx.started();
            if (s != null) {
                s.stop();
            }
        }
    }

    /** As {@link #run(String[])} with a caller-owned context (tests pass their own session). */
    static int run(String[] args, JobContext ctx) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = commandLine(ctx);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, ctx.err, verbose));
        return cl.execute(args);
    }

    static CommandLine commandLine(JobContext ctx) {
        CommandLine cl = new CommandLine(new MineCommand());
        cl.addSubcommand(new GenerateCommand(ctx));
        cl.addSubcommand(new EstimateCommand(ctx));
        cl.addSubcommand(new DemoCommand(ctx));
        cl.addSubcommand(new BenchCommand(ctx));
        cl.addSubcommand(new PairsCommand(ctx));
        cl.addSubcommand(new AccuracyCommand(ctx));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(new PrintWriter(ctx.out, true));
        cl.setErr(new PrintWriter(ctx.err, true));
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(PROGRAM + ": error: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Maps an exception to its exit code and prints the one-line message (and trace if verbose). */
    static int handle(Exception ex, PrintStream err, boolean verbose) {
        int code = exitCode(ex);
        String msg = switch (code) {
            case ExitCodes.USAGE, ExitCodes.INPUT, ExitCodes.OUTPUT, ExitCodes.TRAINING -> message(find(ex, code));
            default -> ex.getClass().getSimpleName() + ": " + message(ex);
        };
        err.println(PROGRAM + ": error: " + msg);
        if (verbose) {
            ex.printStackTrace(err);
        } else if (code == ExitCodes.FAILURE) {
            err.println(PROGRAM + ": run with --verbose for the stack trace");
        }
        err.flush();
        return code;
    }

    /**
     * 4 for an {@link OutputException}, 5 for a {@link MineTrainingException}, 3 for an {@link InputDataException}, a
     * {@link MineInputException} or a Spark {@link AnalysisException} (anywhere in the cause
     * chain), 2 for an
     * {@link IllegalArgumentException} thrown directly, 1 otherwise.
     */
    static int exitCode(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutputException) {
                return ExitCodes.OUTPUT;
            }
            if (t instanceof MineTrainingException) {
                return ExitCodes.TRAINING;
            }
            if (isInputError(t)) {
                return ExitCodes.INPUT;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return ex instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.FAILURE;
    }

    /** Bad input data: ours, the estimator's, or Spark's analysis of the input. */
    private static boolean isInputError(Throwable t) {
        return t instanceof InputDataException || t instanceof MineInputException || t instanceof AnalysisException;
    }

    private static Throwable find(Throwable ex, int code) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (code == ExitCodes.OUTPUT && t instanceof OutputException
                    || code == ExitCodes.INPUT && isInputError(t)
                    || code == ExitCodes.TRAINING && t instanceof MineTrainingException) {
                return t;
            }
        }
        return ex;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : Jobs.firstLine(m);
    }

    /** The session of a run: app name, master only if none is configured, no console progress bars. */
    static SparkSession createSession(String command) {
        SparkSession.Builder b = SparkSession.builder()
                .appName(PROGRAM + " " + command)
                .config("spark.ui.showConsoleProgress", "false");
        if (!new SparkConf().contains("spark.master")) {
            b = b.master("local[*]");
        }
        return b.getOrCreate();
    }

    /** {@code --version}: the jar's implementation version, if the manifest has one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {PROGRAM + " " + (v == null ? "(development build)" : v)};
        }
    }
}
