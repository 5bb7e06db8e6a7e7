package org.minespark.job;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command; subcommands are added by {@link Main#commandLine(JobContext)}. */
@Command(name = "mine-spark", mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Mutual Information Neural Estimation (MINE) on Apache Spark.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:any other failure (Spark failure, bug, unsupported operation)",
            "2:usage error: bad flag or value, unknown config key, parameter out of range (also for the data, e.g. --batch-size above the training rows)",
            "3:bad input data: input missing or unreadable, column missing or of an unsupported type, too few usable rows, inconsistent arrays, unbounded MI",
            "4:output exists (without --overwrite) or is not writable"
        },
        footerHeading = "%n",
        footer = "Run 'mine-spark COMMAND --help' for the options of a command.")
final class MineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
