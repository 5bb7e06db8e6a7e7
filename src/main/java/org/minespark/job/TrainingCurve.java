package org.minespark.job;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.minespark.spec.MiResult;

/**
 * The training curve files: {@code training_curve.csv}
 * ({@code step,estimate,smoothed,estimate_bits,smoothed_bits,validation,validation_bits}: the
 * unsuffixed columns are nats; the validation columns are set only at the steps after which a
 * validation pass ran, empty elsewhere) and {@code training_curve.png} (raw per-step estimate in a
 * light colour, its smoothed version in bold, the validation estimates as markers, and a dashed
 * truth line when the true MI is known, like the seed plots; the y axis in the chosen units).
 *
 * <p>Smoothing is a bias-corrected exponential moving average (as in Adam's moment estimates):
 * {@code m_t = (1−a)·m_{t−1} + a·v_t}, {@code s_t = m_t / (1 − (1−a)^t)}, so the start of the
 * curve is not pulled towards 0. The factor is {@code a = 2/(w+1)} with window
 * {@code w = clamp(steps/30, 5, 100)} steps.
 */
final class TrainingCurve {
    static final int WIDTH = 900;
    static final int HEIGHT = 540;

    private TrainingCurve() {
    }

    /** The smoothing factor used for {@code steps} points. */
    static double alpha(int steps) {
        double w = Math.max(5, Math.min(100, steps / 30.0));
        return 2.0 / (w + 1.0);
    }

    /** Bias-corrected EMA of {@code v} (non-finite values are carried over, not averaged in). */
    static double[] smooth(double[] v, double alpha) {
        double[] s = new double[v.length];
        double m = 0;
        double decay = 1;
        double last = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                m = (1 - alpha) * m + alpha * v[i];
                decay *= (1 - alpha);
                last = m / (1 - decay);
            }
            s[i] = last;
        }
        return s;
    }

    /** The CSV without validation values. */
    static String csv(double[] curve) {
        return csv(curve, new int[0], new double[0]);
    }

    /**
     * One line per step (1-based): estimate and smoothed estimate in nats and bits, and the
     * validation estimate (nats, bits) on the lines of the steps in {@code valSteps} (step counts:
     * the validation after step k is on line k).
     */
    static String csv(double[] curve, int[] valSteps, double[] valNats) {
        double[] s = smooth(curve, alpha(curve.length));
        double[] val = new double[curve.length];
        java.util.Arrays.fill(val, Double.NaN);
        for (int k = 0; k < valSteps.length; k++) {
            if (valSteps[k] >= 1 && valSteps[k] <= curve.length) {
                val[valSteps[k] - 1] = valNats[k];
            }
        }
        StringBuilder sb = new StringBuilder("step,estimate,smoothed,estimate_bits,smoothed_bits,validation,validation_bits\n");
        for (int i = 0; i < curve.length; i++) {
            sb.append(i + 1).append(',').append(num(curve[i])).append(',').append(num(s[i]))
                    .append(',').append(num(curve[i] / MiResult.LN2)).append(',').append(num(s[i] / MiResult.LN2))
                    .append(',').append(num(val[i])).append(',').append(num(val[i] / MiResult.LN2)).append('\n');
        }
        return sb.toString();
    }

    private static String num(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "";
    }

    /**
     * The PNG bytes of the plot.
     *
     * @param curve     per-step estimate (nats)
     * @param truthNats the true MI, or NaN when unknown
     * @param title     the chart title, e.g. {@code MINE: I(x0,x1 ; y0)}
     */
    static byte[] png(double[] curve, double truthNats, String title) {
        return png(curve, new int[0], new double[0], truthNats, title, Units.NATS);
    }

    /**
     * The PNG bytes of the plot with the validation estimates ({@code valNats} after
     * {@code valSteps} steps) as markers, every value shown in {@code units}.
     */
    static byte[] png(double[] curveNats, int[] valSteps, double[] valNats, double truthNats, String title, Units units) {
        double[] curve = new double[curveNats.length];
        for (int i = 0; i < curve.length; i++) {
            curve[i] = units.fromNats(curveNats[i]);
        }
        double truth = units.fromNats(truthNats);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("training step").yAxisTitle("MI estimate (" + units.label() + ")").build();
        Styler st = chart.getStyler();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setAntiAlias(true);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setXAxisTickMarkSpacingHint(90);

        int n = Math.max(curve.length, 1);
        double[] steps = new double[curve.length];
        for (int i = 0; i < curve.length; i++) {
            steps[i] = i + 1;
        }
        double[] raw = clipForPlot(curve);
        if (curve.length > 0) {
            XYSeries r = chart.addSeries("estimate per step", steps, raw);
            r.setMarker(SeriesMarkers.NONE);
            r.setLineColor(new Color(160, 190, 230));
            r.setLineWidth(1f);
            XYSeries s = chart.addSeries("smoothed (EMA)", steps, smooth(raw, alpha(curve.length)));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(20, 70, 160));
            s.setLineWidth(2.5f);
        }
        int nv = 0;
        for (double v : valNats) {
            nv += Double.isFinite(v) ? 1 : 0;
        }
        if (nv > 0) {
            double[] vx = new double[nv];
            double[] vy = new double[nv];
            int k = 0;
            for (int i = 0; i < valNats.length; i++) {
                if (Double.isFinite(valNats[i])) {
                    vx[k] = valSteps[i];
                    vy[k++] = units.fromNats(valNats[i]);
                }
            }
            XYSeries v = chart.addSeries("validation estimate", vx, vy);
            v.setMarker(SeriesMarkers.DIAMOND);
            v.setMarkerColor(new Color(230, 130, 20));
            v.setLineColor(new Color(230, 130, 20));
            v.setLineStyle(new BasicStroke(1.2f));
        }
        if (Double.isFinite(truth)) {
            XYSeries t = chart.addSeries(String.format(Locale.ROOT, "true MI = %.3f %s", truth, units.label()),
                    new double[] {0.5, n + 0.5}, new double[] {truth, truth});
            t.setMarker(SeriesMarkers.NONE);
            t.setLineColor(new Color(200, 40, 40));
            t.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {8f, 6f}, 0f));
        }
        if (curve.length > 0 && !Double.isFinite(truth)) {
            // XChart puts a tick at every x value when all x values are equally spaced (knowm/XChart#731);
            // one invisible point off the grid gives it round tick steps instead
            XYSeries pad = chart.addSeries(" ", new double[] {0.5}, new double[] {raw[0]});
            pad.setMarker(SeriesMarkers.NONE);
            pad.setLineColor(new Color(0, 0, 0, 0));
            pad.setShowInLegend(false);
        }
        if (curve.length == 0 && !Double.isFinite(truth)) {
            XYSeries empty = chart.addSeries("no training steps", new double[] {0}, new double[] {0});
            empty.setMarker(SeriesMarkers.NONE);
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(64 * 1024);
        try {
            BitmapEncoder.saveBitmap(chart, bos, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * Non-finite points (a diverged step) would break the axis range: replace them by the previous
     * finite value (0 at the start).
     */
    private static double[] clipForPlot(double[] v) {
        double[] out = new double[v.length];
        double last = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                last = v[i];
            }
            out[i] = last;
        }
        return out;
    }
}
