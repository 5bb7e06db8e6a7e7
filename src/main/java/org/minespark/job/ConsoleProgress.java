package org.minespark.job;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.minespark.spec.PairsProgressListener;
import org.minespark.spec.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports training progress: an INFO log line per callback
 * ({@code step 500/3000  estimate 3.87 nats  62k samples/s  ETA 41s}) and, when the console is
 * interactive, a one-line progress bar on stderr that is redrawn in place (like tqdm). The bar is
 * cleared before each log line and redrawn after it, so the two do not garble each other when the
 * log goes to the same terminal. Called on the driver thread only. {@link Pairs} draws the same
 * bar for {@code pairs} (pairs done / total, step, ETA).
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
        double f = total > 0 ? step / (double) total : 1.0;
        return bar(f, String.format(Locale.ROOT, "%d/%d  %.3f %s  ETA %s", step, total, u.fromNats(nats), u.label(),
                duration(eta)));
    }

    /**
     * The bar of both commands: {@code \r 25%|#######                       | TEXT}, the fraction
     * clamped to [0, 1].
     */
    static String bar(double fraction, String text) {
        double f = Double.isFinite(fraction) ? Math.min(1.0, Math.max(0.0, fraction)) : 0.0;
        int filled = (int) Math.round(f * BAR_WIDTH);
        return String.format(Locale.ROOT, "\r%3.0f%%|%s%s| %s", 100 * f, "#".repeat(filled),
                " ".repeat(BAR_WIDTH - filled), text);
    }

    /** The bar of {@code pairs}: {@code \r 25%|####...| pairs 5/20  step 300/1000  ETA 2m05s}. */
    static String pairsBar(int pairsDone, int pairsTotal, int step, int steps, double fraction, double eta) {
        return bar(fraction, String.format(Locale.ROOT, "pairs %d/%d  step %d/%d  ETA %s", pairsDone, pairsTotal, step,
                steps, duration(eta)));
    }

    /** A pairs bar on {@code err} when the console is interactive, else nothing (the run logs its own lines). */
    static Pairs forPairs(PrintStream err, int logEvery) {
        return new Pairs(err, System.console() != null, logEvery, System::nanoTime);
    }

    /**
     * The progress bar of {@code pairs}. The runner calls it after every step and logs its own
     * INFO line ({@code pairs 5/20 done; ...}) right after the call on steps that are a multiple
     * of {@code --log-every} and at the end of each pass; on those calls the bar is cleared and
     * not redrawn, so that line lands on a clean line, and the next call redraws it. Other calls
     * redraw it at most every {@value #REDRAW_NANOS} ns (like tqdm's {@code mininterval}).
     *
     * <p>The bar's fraction is the training work done: the runner's ETA is
     * {@code elapsed / done * (planned - done)} pair-steps, so {@code elapsed / (elapsed + eta)}
     * is {@code done / planned}; elapsed is counted from the first call (one step short, negligible
     * over hundreds of steps). Before the first step (ETA NaN) it is pairs done / total. The bar
     * never moves backwards (a retried pair adds planned work).
     */
    static final class Pairs implements PairsProgressListener {
        static final long REDRAW_NANOS = 100_000_000L;

        private final PrintStream err;
        private final boolean bar;
        private final int logEvery;
        private final LongSupplier clock;
        private long first = Long.MIN_VALUE;
        private long lastDraw;
        private double fraction;
        private boolean barShown;
        private boolean finished;

        Pairs(PrintStream err, boolean bar, int logEvery, LongSupplier clock) {
            if (logEvery < 1) {
                throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
            }
            this.err = err;
            this.bar = bar;
            this.logEvery = logEvery;
            this.clock = clock;
        }

        @Override
        public void onProgress(int pairsDone, int pairsTotal, int step, int steps, double etaSeconds) {
            if (!bar || finished) {
                return;
            }
            long now = clock.getAsLong();
            if (first == Long.MIN_VALUE) {
                first = now;
            }
            double el = (now - first) / 1e9;
            double f = pairsTotal > 0 ? pairsDone / (double) pairsTotal : 1.0;
            if (Double.isFinite(etaSeconds) && el > 0 && el + etaSeconds > 0) {
                f = Math.max(f, el / (el + etaSeconds));
            }
            fraction = pairsDone >= pairsTotal ? 1.0 : Math.max(fraction, Math.min(f, 1.0));
            boolean logged = step % logEvery == 0 || step == steps;
            if (pairsDone >= pairsTotal) {
                clear();
                err.println(pairsBar(pairsDone, pairsTotal, step, steps, 1.0, etaSeconds));
                err.flush();
                finished = true;
            } else if (logged) {
                clear();
            } else if (!barShown || now - lastDraw >= REDRAW_NANOS) {
                err.print(pairsBar(pairsDone, pairsTotal, step, steps, fraction, etaSeconds));
                err.flush();
                barShown = true;
                lastDraw = now;
            }
        }

        private void clear() {
            if (barShown) {
                err.print("\r\033[2K");
                err.flush();
                barShown = false;
            }
        }
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
