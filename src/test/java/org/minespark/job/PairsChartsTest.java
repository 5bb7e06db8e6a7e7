package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/** The report charts render as PNG images whose size grows with the number of columns. */
class PairsChartsTest {
    private static PairResult r(String x, String y, double mi) {
        return new PairResult(x + " ~ " + y, x, y, mi, mi * 0.9, mi * 1.1, MiResult.Significance.NONE, 1000, 200, 10, 10,
                true, false, false, false, 1.0, PairResult.OK, "");
    }

    @Test
    void heatmap_allPairs_pngSizedByColumns() throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<PairResult> res = List.of(r("a", "b", 0.7), r("a", "c", 0.0), r("b", "c", 0.123456),
                new PairResult("a ~ d", "a", "d", Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE, 1000, 0, 3, 0,
                        false, false, true, true, 1.0, PairResult.DIVERGED, "x"));
        byte[] png = PairsOutput.heatmap(res, List.of("a", "b", "c", "d"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(Math.max(640, 80 * 4 + 320), img.getWidth());
    }

    @Test
    void ranked_targetMode_pngRenders() throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = PairsOutput.ranked(List.of(r("a", "t", 0.5), r("b", "t", 0.1), r("c", "t", 0.0)));
        assertTrue(ImageIO.read(new ByteArrayInputStream(png)).getWidth() >= 700);
    }
}
