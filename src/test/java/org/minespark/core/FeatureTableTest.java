package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The generated feature table: layout, planted truths, nulls, ID and constant columns.
 *
 * <p>Tolerances: the empirical checks use n = 200 000 rows (fewer after nulls) and allow 5 standard
 * deviations of the statistic (a spurious failure below 1e-6 per check): a sample correlation has
 * standard deviation about (1 − ρ²)/√n, a null fraction √(r(1 − r)/n). The data are seeded, so the
 * tests are deterministic; the margins guard against legitimate changes of the generator, and each
 * check fails when the construction or its truth is wrong by more than a few thousandths.
 */
class FeatureTableTest {
    private static final int N = 200_000;

    private static FeatureTable.Planted kind(FeatureTable t, String kind) {
        return t.planted().stream().filter(p -> p.kind().equals(kind)).findFirst().orElseThrow();
    }

    private static int index(FeatureTable t, String name) {
        List<String> names = t.columns().stream().map(FeatureTable.Column::name).toList();
        return names.indexOf(name);
    }

    @Test
    void layout_200Columns_hasIdsConstantsAndAQuarterOfColumnsPlantedOfAllKinds() {
        FeatureTable t = FeatureTable.create(200, 0.05, 3);
        assertEquals(204, t.columns().size());
        assertEquals(List.of("id", "id_str"), t.names(FeatureTable.Role.ID));
        assertEquals(List.of("const_num", "const_str"), t.names(FeatureTable.Role.CONSTANT));
        assertEquals("f000", t.names(FeatureTable.Role.FEATURE).get(0));
        assertEquals("f199", t.names(FeatureTable.Role.FEATURE).get(199));
        assertEquals(25, t.planted().size());
        Set<String> used = new HashSet<>();
        Set<String> kinds = new HashSet<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (FeatureTable.Planted p : t.planted()) {
            assertTrue(used.add(p.x()) && used.add(p.y()), "planted pairs are disjoint: " + p);
            kinds.add(p.kind());
            lo = Math.min(lo, p.miNats());
            hi = Math.max(hi, p.miNats());
        }
        assertEquals(Set.of("linear-gaussian", "monotone", "non-monotone", "categorical"), kinds);
        // the truths are solved to a double's resolution (bisection), so the ends of the spread are exact
        assertEquals(FeatureTable.MIN_PLANTED_MI, lo, 1e-9);
        assertEquals(FeatureTable.MAX_PLANTED_MI, hi, 1e-9);
        Set<FeatureTable.Type> types = new HashSet<>();
        t.columns().forEach(c -> types.add(c.type()));
        assertEquals(Set.of(FeatureTable.Type.values()), types);
    }

    @Test
    void layout_isFixedBySeed() {
        assertEquals(FeatureTable.create(40, 0.05, 9).planted(), FeatureTable.create(40, 0.05, 9).planted());
        assertEquals(FeatureTable.create(40, 0.05, 9).columns(), FeatureTable.create(40, 0.05, 9).columns());
        assertNotEquals(FeatureTable.create(40, 0.05, 9).planted(), FeatureTable.create(40, 0.05, 10).planted());
        assertEquals(1, FeatureTable.create(2, 0, 1).planted().size());
        assertEquals(5, FeatureTable.create(40, 0, 1).planted().size());
    }

    @Test
    void create_outOfRange_namesTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureTable.create(1, 0.05, 1)).getMessage()
                .contains("--columns must be in [2, 10000], got 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureTable.create(10, 1.0, 1)).getMessage()
                .contains("--null-rate must be in [0, 1), got 1.0"));
    }

    /** Each planted truth recomputed from its parameters by the formula of its kind. */
    @Test
    void plantedTruths_matchTheirFormulas() {
        for (FeatureTable.Planted p : FeatureTable.create(200, 0.05, 4).planted()) {
            Map<String, Double> q = p.parameters();
            double expected;
            if (p.kind().equals("non-monotone")) {
                expected = bruteForceAbsNoiseMi(q.get("noise_sd"));
            } else if (p.kind().equals("categorical")) {
                double k = q.get("levels");
                double qq = q.get("q");
                expected = Math.log(k) + qq * Math.log(qq) + (1 - qq) * Math.log((1 - qq) / (k - 1));
            } else {
                expected = -0.5 * Math.log(1 - q.get("rho") * q.get("rho"));
            }
            // 1e-6: the 2-d brute-force quadrature's own error (Simpson in x: O(h^4) at h = s/20, the y rule converges
            // geometrically); the closed forms agree to 1e-12
            assertEquals(expected, p.miNats(), 1e-6, p.toString());
        }
    }

    /**
     * {@code h(Y) − ½ ln(2πe s²)} with {@code p(y) = ∫ φ(x) φ((y − |x|)/s)/s dx} integrated numerically over
     * x (not the skew-normal closed form), on a fine grid: an independent check of that closed form and
     * of the 1-d quadrature.
     */
    private static double bruteForceAbsNoiseMi(double s) {
        double hy = Math.min(s, 1) / 20;
        int nx = 2 * (int) Math.ceil(9 / (Math.min(s, 1) / 20) / 2);   // even: Simpson's rule over x in [0, 9]
        double hx = 9.0 / nx;
        double h = 0;
        for (double y = -10 * s; y <= 10 * Math.sqrt(1 + s * s); y += hy) {
            double p = 0;
            for (int i = 0; i <= nx; i++) {
                double x = i * hx;
                double z = (y - x) / s;
                double w = i == 0 || i == nx ? 1 : i % 2 == 1 ? 4 : 2;
                p += w * 2 * Math.exp(-0.5 * x * x - 0.5 * z * z) / (2 * Math.PI * s); // |x| has density 2 phi(x)
            }
            p *= hx / 3;
            if (p > 0) {
                h -= p * Math.log(p) * hy;
            }
        }
        return h - 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
    }

    /** The density the truth integrates is the density of the sampler: a Monte-Carlo h(Y) = E[−ln p(Y)]. */
    @Test
    void absNoise_monteCarloEntropyMatchesQuadrature() {
        double s = 0.4;
        SplittableRandom rng = new SplittableRandom(21);
        double sum = 0;
        double sum2 = 0;
        for (int i = 0; i < N; i++) {
            double y = Math.abs(PlantedDependence.normal(rng)) + s * PlantedDependence.normal(rng);
            double l = -Math.log(PlantedDependence.absNoiseDensity(y, s));
            sum += l;
            sum2 += l * l;
        }
        double mean = sum / N;
        double se = Math.sqrt((sum2 / N - mean * mean) / N);
        double hY = PlantedDependence.absNoiseMi(s) + 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
        assertEquals(hY, mean, 5 * se, "se " + se);
    }

    /** A large sample of a 32-column table (one pair of each kind) against the planted structure. */
    @Test
    void sample_plantedPairsNullsIdsAndConstants() {
        FeatureTable t = FeatureTable.create(32, 0.1, 11);
        int w = t.columns().size();
        Object[][] rows = new Object[N][];
        for (int i = 0; i < N; i++) {
            rows[i] = new Object[w];
            t.fillRow(i, rows[i]);
        }
        Set<Object> ids = new HashSet<>();
        Set<Object> idStrings = new HashSet<>();
        long[] nulls = new long[w];
        for (Object[] r : rows) {
            ids.add(r[0]);
            idStrings.add(r[1]);
            assertEquals(1.0, r[2]);
            assertEquals("const", r[3]);
            for (int c = 0; c < w; c++) {
                nulls[c] += r[c] == null ? 1 : 0;
            }
        }
        assertEquals(N, ids.size());
        assertEquals(N, idStrings.size());
        double tol = 5 * Math.sqrt(0.1 * 0.9 / N);
        for (int c = 4; c < w; c++) {
            assertEquals(0.1, nulls[c] / (double) N, tol, t.columns().get(c).name());
        }
        assertEquals(0, nulls[0] + nulls[1] + nulls[2] + nulls[3]);

        FeatureTable.Planted lin = kind(t, "linear-gaussian");
        double rho = lin.parameters().get("rho");
        double ctol = 5 * (1 - rho * rho) / Math.sqrt(0.81 * N);   // 81 % of rows have both values
        assertEquals(rho, correlation(rows, index(t, lin.x()), index(t, lin.y()), v -> v), ctol);

        FeatureTable.Planted mono = kind(t, "monotone");
        double rm = mono.parameters().get("rho");
        // undo the increasing map (exp for the first monotone pair): back to the Gaussian pair
        assertTrue(mono.construction().contains("exp(w)"), mono.construction());
        assertEquals(rm, correlation(rows, index(t, mono.x()), index(t, mono.y()), Math::log),
                5 * (1 - rm * rm) / Math.sqrt(0.81 * N));

        FeatureTable.Planted abs = kind(t, "non-monotone");
        double s = abs.parameters().get("noise_sd");
        int ax = index(t, abs.x());
        int ay = index(t, abs.y());
        double z5 = 5 / Math.sqrt(0.81 * N);   // sd of a correlation near 0 is 1/sqrt(n)
        assertEquals(0.0, correlation(rows, ax, ay, v -> v), z5, "no linear correlation");
        double v = 1 - 2 / Math.PI;             // var |x|
        double ra = Math.sqrt(v / (v + s * s));
        assertEquals(ra, correlationAbsX(rows, ax, ay), 5 * (1 - ra * ra) / Math.sqrt(0.81 * N) + z5);

        FeatureTable.Planted cat = kind(t, "categorical");
        // plug-in MI of K x K counts: bias (K-1)^2/(2n) < 1e-3 for K <= 9, sd about 0.002 at n = 162 000
        assertEquals(cat.miNats(), plugInMi(rows, index(t, cat.x()), index(t, cat.y())), 0.01, cat.toString());

        // two independent double columns: correlation 0
        List<Integer> free = new java.util.ArrayList<>();
        Set<String> planted = new HashSet<>();
        t.planted().forEach(p -> planted.addAll(List.of(p.x(), p.y())));
        for (int c = 4; c < w; c++) {
            if (!planted.contains(t.columns().get(c).name()) && t.columns().get(c).type() == FeatureTable.Type.DOUBLE) {
                free.add(c);
            }
        }
        assertTrue(free.size() >= 2, "independent double columns");
        assertEquals(0.0, correlation(rows, free.get(0), free.get(1), x -> x), z5);
    }

    @Test
    void fillRow_dependsOnlyOnSeedAndRow() {
        FeatureTable t = FeatureTable.create(40, 0.2, 5);
        Object[] a = new Object[44];
        Object[] b = new Object[44];
        t.fillRow(12345, a);
        t.fillRow(7, b);
        t.fillRow(12345, b);
        assertEquals(Arrays.asList(a), Arrays.asList(b));
        Object[] c = new Object[44];
        FeatureTable.create(40, 0.2, 6).fillRow(12345, c);
        assertNotEquals(Arrays.asList(a), Arrays.asList(c));
        FeatureTable.create(40, 0.0, 5).fillRow(3, c);
        for (Object o : c) {
            assertTrue(o != null);
        }
    }

    private static double correlation(Object[][] rows, int ix, int iy, java.util.function.DoubleUnaryOperator fy) {
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (Object[] r : rows) {
            if (r[ix] == null || r[iy] == null) {
                continue;
            }
            double x = (Double) r[ix];
            double y = fy.applyAsDouble((Double) r[iy]);
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double cxy = sxy / n - sx / n * sy / n;
        return cxy / Math.sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
    }

    private static double correlationAbsX(Object[][] rows, int ix, int iy) {
        Object[][] mapped = new Object[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            Object x = rows[i][ix];
            mapped[i] = new Object[] {x == null ? null : Math.abs((Double) x), rows[i][iy]};
        }
        return correlation(mapped, 0, 1, y -> y);
    }

    private static double plugInMi(Object[][] rows, int ix, int iy) {
        Map<Object, Integer> cx = new HashMap<>();
        Map<Object, Integer> cy = new HashMap<>();
        Map<List<Object>, Integer> cxy = new HashMap<>();
        int n = 0;
        for (Object[] r : rows) {
            if (r[ix] == null || r[iy] == null) {
                continue;
            }
            n++;
            cx.merge(r[ix], 1, Integer::sum);
            cy.merge(r[iy], 1, Integer::sum);
            cxy.merge(List.of(r[ix], r[iy]), 1, Integer::sum);
        }
        double mi = 0;
        for (Map.Entry<List<Object>, Integer> e : cxy.entrySet()) {
            double pxy = e.getValue() / (double) n;
            double px = cx.get(e.getKey().get(0)) / (double) n;
            double py = cy.get(e.getKey().get(1)) / (double) n;
            mi += pxy * Math.log(pxy / (px * py));
        }
        return mi;
    }
}
