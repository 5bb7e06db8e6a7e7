package org.minespark.spec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bias-corrected plug-in estimate that goes beside MINE when x and y are one dimension each
 * ({@code org.minespark.core.PlugInMi}): each side coded per distinct value when it has few
 * enough of them (a category code, a boolean, a string level), else in equal-frequency bins of its
 * normal score, then the Miller-Madow-corrected MI of the contingency table, its delta-method
 * standard error and the G-test p-value of independence. Binning can only lose information (data
 * processing), so for a binned side it is a lower bound up to its bias; for discrete sides with
 * many rows per cell it is the consistent estimate MINE's critic may miss (a jagged function of a
 * code).
 *
 * @param nats    Miller-Madow-corrected plug-in MI (at least 0); NaN when not computed
 * @param stdErr  delta-method standard error, nats
 * @param pValue  G-test p-value (2N I_plugin against chi-squared with (Kx-1)(Ky-1) df)
 * @param xCoding how x was coded: {@code levels:K}, {@code bins:B} or {@code one-hot:K} (a string column of pairs)
 * @param yCoding how y was coded
 * @param cells   occupied cells of the table
 * @param n       rows counted (the training rows)
 * @param note    why it was not computed, or a caution (too few rows per cell); empty if none
 */
public record PlugIn(double nats, double stdErr, double pValue, String xCoding, String yCoding, int cells, long n,
                     String note) implements Serializable {
    /** Not computed (a side with more than one dimension, tensor rows). */
    public static final PlugIn NONE = new PlugIn(Double.NaN, Double.NaN, Double.NaN, "", "", 0, 0,
            "not computed: x and y must each be one dimension or one string column");

    /** True when a value was computed. */
    public boolean computed() {
        return !Double.isNaN(nats);
    }

    /** The result.json keys ({@code plugin_*}); null values when not computed. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plugin_nats", computed() ? nats : null);
        m.put("plugin_bits", computed() ? nats / MiResult.LN2 : null);
        m.put("plugin_std_err_nats", computed() ? stdErr : null);
        m.put("plugin_p_value", computed() ? pValue : null);
        m.put("plugin_x_coding", xCoding);
        m.put("plugin_y_coding", yCoding);
        m.put("plugin_cells", cells);
        m.put("plugin_note", note);
        return m;
    }
}
