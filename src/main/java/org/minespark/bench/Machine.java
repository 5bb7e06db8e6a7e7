package org.minespark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    /** The vector features that decide the kernels' speed, in this order, where the CPU lists them. */
    static final List<String> VECTOR_FLAGS = List.of("avx", "avx2", "fma", "avx512f", "avx512vl", "asimd", "sve", "sve2");

    /**
     * Which of {@link #VECTOR_FLAGS} the first CPU of /proc/cpuinfo lists ({@code flags} on x86,
     * {@code Features} on ARM); empty where there is no /proc/cpuinfo. These are the CPU's: the JVM
     * may use less ({@code -XX:UseAVX}, {@code -XX:MaxVectorSize}; see the species width).
     */
    public static List<String> vectorFlags() {
        return vectorFlags(Path.of("/proc/cpuinfo"));
    }

    static List<String> vectorFlags(Path cpuinfo) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if ((line.startsWith("flags") || line.startsWith("Features")) && line.indexOf(':') >= 0) {
                    Set<String> have = new HashSet<>(List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    for (String f : VECTOR_FLAGS) {
                        if (have.contains(f)) {
                            out.add(f);
                        }
                    }
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: no flags
        }
        return out;
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
