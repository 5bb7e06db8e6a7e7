package org.minespark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What to quote with benchmark numbers: the CPU model and the load at the time (Linux /proc; null or "unknown" elsewhere). */
public final class Machine {
    private Machine() {
    }

    /** The first {@code model name} of /proc/cpuinfo, or null where there is none (not Linux, or an ARM kernel without it). */
    public static String cpuModel() {
        return cpuModel(Path.of("/proc/cpuinfo"));
    }

    static String cpuModel(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name") && line.indexOf(':') >= 0) {
                    String v = line.substring(line.indexOf(':') + 1).trim();
                    return v.isEmpty() ? null : v;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: no model
        }
        return null;
    }

    /** /proc/loadavg where readable, else "unknown" (the machines are shared: quote it with the numbers). */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
