package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TrainingCurveTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private static double[] curve(int n) {
        double[] c = new double[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            c[i] = 4.159 * (1 - Math.exp(-i / 60.0)) + 0.3 * (r.nextDouble() - 0.5);
        }
        return c;
    }

    @Test
    void png_withTruth_isAValidPngOfTheChartSize() throws Exception {
        byte[] png = TrainingCurve.png(curve(300), 4.159, "MINE: I(x0,x1,x2 ; y0,y1,y2)");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        assertTrue(png.length > 10_000, "suspiciously small PNG: " + png.length + " bytes");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(TrainingCurve.WIDTH, img.getWidth());
        assertEquals(TrainingCurve.HEIGHT, img.getHeight());
    }

    @Test
    void png_withoutTruthOrWithNonFiniteSteps_stillRenders() throws Exception {
        double[] c = curve(50);
        c[10] = Double.NaN;
        c[11] = Double.POSITIVE_INFINITY;
        byte[] png = TrainingCurve.png(c, Double.NaN, "t");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        byte[] empty = TrainingCurve.png(new double[0], Double.NaN, "t");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(empty, 8));
    }

    @Test
    void smooth_constantSeries_isConstantFromTheFirstStep() {
        double[] s = TrainingCurve.smooth(new double[] {2, 2, 2, 2}, 0.1);
        for (double v : s) {
            assertEquals(2.0, v, 1e-12);
        }
    }

    @Test
    void csv_hasHeaderAndOneLinePerStep() {
        String csv = TrainingCurve.csv(new double[] {1.0, Double.NaN, 3.0});
        String[] lines = csv.split("\n");
        assertEquals("step,estimate,smoothed,estimate_bits,smoothed_bits,validation,validation_bits", lines[0]);
        assertEquals(4, lines.length);
        assertTrue(lines[1].startsWith("1,1.0,1.0"), lines[1]);
        assertTrue(lines[2].startsWith("2,,1.0"), lines[2]);
        assertTrue(lines[3].startsWith("3,3.0,"), lines[3]);
        String[] first = lines[1].split(",", -1);
        assertEquals(7, first.length, lines[1]);
        assertEquals(1.0 / Math.log(2), Double.parseDouble(first[3]), 1e-15, "estimate in bits");
        assertTrue(lines[1].endsWith(",,"), "no validation value: " + lines[1]);
    }

    @Test
    void csv_validationValues_onTheLinesOfTheirSteps() {
        String[] lines = TrainingCurve.csv(new double[] {1, 2, 3, 4}, new int[] {2, 4}, new double[] {1.5, 2.5})
                .split("\n");
        assertEquals(5, lines.length);
        assertTrue(lines[1].endsWith(",,"), lines[1]);
        assertTrue(lines[2].endsWith(",1.5," + (1.5 / Math.log(2))), lines[2]);
        assertTrue(lines[3].endsWith(",,"), lines[3]);
        assertTrue(lines[4].endsWith(",2.5," + (2.5 / Math.log(2))), lines[4]);
    }

    @Test
    void png_withValidationInBits_renders() throws Exception {
        byte[] png = TrainingCurve.png(curve(300), new int[] {100, 200, 300}, new double[] {3.0, 4.0, 4.1}, 4.159, "t",
                Units.BITS);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(TrainingCurve.WIDTH, img.getWidth());
    }
}
