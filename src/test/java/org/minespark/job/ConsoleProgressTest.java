package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bars of {@code estimate} and {@code pairs} (one renderer). */
class ConsoleProgressTest {
    private static final String CLEAR = "\r\033[2K";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String drained() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    @Test
    void bar_estimate_shapeUnchanged() {
        assertEquals("\r 17%|#####                         | 500/3000  3.871 nats  ETA 41s",
                ConsoleProgress.bar(500, 3000, 3.8712, 41.2));
    }

    @Test
    void pairsBar_showsPairsStepAndEta() {
        assertEquals("\r 25%|########                      | pairs 5/20  step 300/1000  ETA 2m05s",
                ConsoleProgress.pairsBar(5, 20, 300, 1000, 0.25, 125));
        // clamped fraction, unknown ETA
        assertEquals("\r  0%|                              | pairs 0/20  step 0/1000  ETA ?",
                ConsoleProgress.pairsBar(0, 20, 0, 1000, Double.NaN, Double.NaN));
        assertEquals("\r100%|##############################| pairs 20/20  step 1000/1000  ETA 0s",
                ConsoleProgress.pairsBar(20, 20, 1000, 1000, 1.7, 0));
    }

    @Test
    void pairsListener_fractionIsWorkDone_clearedOnLogSteps_finalBarEndsLine() {
        ConsoleProgress.Pairs p = new ConsoleProgress.Pairs(err, true, 100, () -> now);
        now = 0;
        p.onProgress(0, 4, 1, 1000, 99.0); // first call: elapsed 0 -> pairs fraction 0/4
        assertEquals(ConsoleProgress.pairsBar(0, 4, 1, 1000, 0.0, 99.0), drained());
        now = 50_000_000L; // 50 ms later: throttled, nothing drawn
        p.onProgress(0, 4, 2, 1000, 98.0);
        assertEquals("", drained());
        now = 10_000_000_000L; // 10 s elapsed, ETA 30 s: a quarter of the work done
        p.onProgress(1, 4, 250, 1000, 30.0);
        assertEquals(ConsoleProgress.pairsBar(1, 4, 250, 1000, 0.25, 30.0), drained());
        now += 1_000_000_000L; // a log step (11 s, ETA 33 s: still a quarter): cleared for the runner's log line
        p.onProgress(1, 4, 300, 1000, 33.0);
        assertEquals(CLEAR, drained());
        now += 1_000_000L; // redrawn at once on the next step; ETA grew (a retry): the bar does not move back
        p.onProgress(1, 4, 301, 1000, 1000.0);
        assertEquals(ConsoleProgress.pairsBar(1, 4, 301, 1000, 0.25, 1000.0), drained());
        now += 1_000_000L;
        p.onProgress(4, 4, 1000, 1000, 0.0);
        assertEquals(CLEAR + ConsoleProgress.pairsBar(4, 4, 1000, 1000, 1.0, 0.0) + System.lineSeparator(), drained());
        p.onProgress(4, 4, 1000, 1000, 0.0); // evaluation report after the end: nothing more
        assertEquals("", drained());
    }

    @Test
    void pairsListener_notATerminal_printsNothing() {
        ConsoleProgress.Pairs p = new ConsoleProgress.Pairs(err, false, 100, () -> now);
        for (int s = 1; s <= 200; s++) {
            now += 200_000_000L;
            p.onProgress(s == 200 ? 3 : 0, 3, s, 200, 10.0);
        }
        assertEquals("", drained());
        assertThrows(IllegalArgumentException.class, () -> new ConsoleProgress.Pairs(err, true, 0, () -> now));
    }
}
