package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.minespark.spec.Settings;
import picocli.CommandLine;

/** The CLI and the configuration cover every declared setting ({@link Settings#ALL}). */
class SettingsCoverageTest {
    @Test
    void everyDeclaredKey_hasABuiltInDefault() {
        Config ref = MineConfig.reference();
        for (Settings.Setting t : Settings.ALL) {
            if (t.key() != null) {
                assertTrue(ref.hasPath(t.key()), t.name() + ": reference.conf has no " + t.key());
            }
        }
    }

    @Test
    void everyDeclaredFlag_isAnOptionOfEstimate() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new EstimateCommand(new JobContext(cmd -> null, System.out, System.err))).getCommandSpec();
        for (Settings.Setting t : Settings.ALL) {
            if (t.flag() != null) {
                assertTrue(spec.findOption(t.flag()) != null, t.name() + ": estimate has no option " + t.flag());
            }
        }
    }
}
