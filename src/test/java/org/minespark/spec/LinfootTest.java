package org.minespark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Linfoot's informational coefficient of correlation, the readable scale next to nats. */
class LinfootTest {

    /** For a bivariate Gaussian pair I = -ln(1 - rho^2) / 2, so rho_I gives back |rho| (to rounding). */
    @Test
    void gaussianPair_givesAbsoluteRho() {
        for (double rho : new double[] {0.0, 0.1, 0.5, -0.8, 0.99, 0.999999}) {
            double nats = -0.5 * Math.log1p(-rho * rho);
            assertEquals(Math.abs(rho), MiResult.linfoot(nats), 1e-12, "rho " + rho);
        }
        assertEquals(0.0, MiResult.linfoot(-0.3), 0.0, "a negative raw value is independence, 0");
        assertTrue(MiResult.linfoot(40) <= 1.0 && MiResult.linfoot(40) > 0.999999);
        assertTrue(Double.isNaN(MiResult.linfoot(Double.NaN)));
    }
}
