package org.minespark.job;

import java.io.PrintStream;
import java.util.Locale;
import org.minespark.api.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports training progress: an INFO log line per callback
 * ({@code step 500/3000  estimate 3.87 nats  62k samples/s  ETA 41s}) and, when the console is
 * interactive, a one-line progress bar on stderr that is redrawn in place (like tqdm). The bar is
 * cleared before each log line and redrawn after it, so the two do not garble each other when the
 * log goes to the same terminal. Called on the driver thread only.
 */
final class ConsoleProgress implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger("org.minespark.job.progress");
    private static final int BAR_WIDTH = 30;

    private final PrintStream err;
    private final boolean bar;
    private final Units units;
    private boolean barShown;

    ConsoleProgress(PrintStream err, boolean bar) {
        this(err, bar, Units.NATS);
    }

    ConsoleProgress(PrintStream err, boolean bar, Units units) {
        this.err = err;
        this.bar = bar;
        this.units = units;
    }

    /** A bar only when stdin/stdout are a terminal ({@code System.console() != null}). */
    static ConsoleProgress forConsole(PrintStream err) {
        return forConsole(err, Units.NATS);
    }

    /** As {@link #forConsole(PrintStream)}, printing estimates in {@code units}. */
    static ConsoleProgress forConsole(PrintStream err, Units units) {
        return new ConsoleProgress(err, System.console() != null, units);
    }

    @Override
    public void onProgress(int step, int totalSteps, double smoothedNats, double samplesPerSecond, double etaSeconds) {
        if (barShown) {
            err.print("\r\033[2K");
            err.flush();
        }
        LOG.info(line(step, totalSteps, smoothedNats, samplesPerSecond, etaSeconds, units));
        if (bar) {
            err.print(bar(step, totalSteps, smoothedNats, etaSeconds, units));
            barShown = step < totalSteps;
            if (!barShown) {
                err.println();
            }
            err.flush();
        }
    }

    static String line(int step, int total, double nats, double samplesPerSecond, double eta) {
        return line(step, total, nats, samplesPerSecond, eta, Units.NATS);
    }

    /** The log line with the estimate in {@code u}. */
    static String line(int step, int total, double nats, double samplesPerSecond, double eta, Units u) {
        return String.format(Locale.ROOT, "step %d/%d  estimate %.2f %s  %s samples/s  ETA %s",
                step, total, u.fromNats(nats), u.label(), rate(samplesPerSecond), duration(eta));
    }

    static String bar(int step, int total, double nats, double eta) {
        return bar(step, total, nats, eta, Units.NATS);
    }

    /** The progress bar with the estimate in {@code u}. */
    static String bar(int step, int total, double nats, double eta, Units u) {
        double f = total > 0 ? Math.min(1.0, Math.max(0.0, step / (double) total)) : 1.0;
        int filled = (int) Math.round(f * BAR_WIDTH);
        return String.format(Locale.ROOT, "\r%3.0f%%|%s%s| %d/%d  %.3f %s  ETA %s",
                100 * f, "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), step, total, u.fromNats(nats), u.label(),
                duration(eta));
    }

    /** 950 → "950", 62 400 → "62k", 1.25e6 → "1.2M". */
    static String rate(double r) {
        if (!Double.isFinite(r) || r < 0) {
            return "?";
        }
        if (r < 1e3) {
            return String.format(Locale.ROOT, "%.0f", r);
        }
        if (r < 1e6) {
            return String.format(Locale.ROOT, "%.0fk", r / 1e3);
        }
        return String.format(Locale.ROOT, "%.1fM", r / 1e6);
    }

    /** 41 → "41s", 185 → "3m05s", 3720 → "1h02m". */
    static String duration(double s) {
        if (!Double.isFinite(s) || s < 0) {
            return "?";
        }
        long t = Math.round(s);
        if (t < 60) {
            return t + "s";
        }
        if (t < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
