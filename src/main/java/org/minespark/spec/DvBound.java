package org.minespark.spec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Donsker-Varadhan (MINE) bound {@code mean T(x, y) - ln mean e^{T(x, y')}} of the trained
 * critic on the test rows, reported whatever bound was trained: the same number as the estimate for
 * {@code dv} and {@code dv-biased}, the DV form of the same critic's scores for {@code nwj} (from
 * the same held-out sums). SMILE keeps only clipped marginal sums and InfoNCE scores groups, so for
 * them it is not computed and {@code note} says so.
 *
 * @param nats   the DV bound, nats (NaN when not computed)
 * @param stdErr its delta-method standard error, nats
 * @param note   why it is not computed, or empty
 */
public record DvBound(double nats, double stdErr, String note) implements Serializable {
    /** Not computed (no held-out evaluation: a constant column group). */
    public static final DvBound NONE = new DvBound(Double.NaN, Double.NaN, "not computed: no held-out evaluation");

    /** The result.json keys ({@code dv_*}); null values when not computed. */
    public Map<String, Object> toMap() {
        boolean ok = !Double.isNaN(nats);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dv_nats", ok ? nats : null);
        m.put("dv_bits", ok ? nats / MiResult.LN2 : null);
        m.put("dv_std_err_nats", ok ? stdErr : null);
        m.put("dv_note", note);
        return m;
    }
}
