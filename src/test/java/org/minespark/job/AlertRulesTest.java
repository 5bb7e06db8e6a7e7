package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/** {@link AlertRules}: reading (errors with the line) and firing each rule type. */
class AlertRulesTest {
    @TempDir
    Path dir;

    private static final Set<String> COLUMNS = Set.of("a", "b", "label");
    private static final Set<String> PAIRS = Set.of("a ~ b", "a ~ label", "b ~ label");

    private AlertRules read(String text) throws IOException {
        Path f = dir.resolve("alerts.conf");
        Files.writeString(f, text);
        return AlertRules.read(f, COLUMNS, PAIRS);
    }

    private String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> read(text)).getMessage();
    }

    @Test
    void badFiles_errorNamesFileLineAndReason() {
        String f = dir.resolve("alerts.conf").toString();
        assertTrue(error("rules = [\n  { name = x, type = threshold, metric = rho_i, above = 0.9 }\n  { name = y, \n")
                .startsWith("--alerts " + f + ": line "), error("rules = [\n { name = x, \n"));
        assertEquals("--alerts " + f + ": line 3: rule 'z': unknown type 'above' (expected one of threshold, "
                + "became-dependent, became-independent, drift, column-skipped)",
                error("rules = [\n  { name = y, type = drift }\n  { name = z, type = above }\n]\n"));
        assertEquals("--alerts " + f + ": line 2: rule 'leak': unknown column 'target' (the run's columns: "
                + String.join(", ", COLUMNS) + ")",
                error("rules = [\n  { name = leak, type = threshold, metric = rho_i, above = 0.9, column = target }\n]"));
        assertTrue(error("rules = [\n { name = p, type = drift, pair = \"a ~ zz\" }\n]").contains("line 2: rule 'p': unknown pair 'a ~ zz'"));
        assertTrue(error("rules = [\n { name = t, type = threshold, metric = rho_i }\n]").contains("line 2: rule 't': a threshold rule needs above"));
        assertTrue(error("rules = [\n { name = t, type = threshold, metric = r2, above = 1 }\n]").contains("metric must be one of mi_nats, mi_bits, rho_i, got 'r2'"));
        assertTrue(error("rules = [\n { name = t, type = drift, above = 1 }\n]").contains("line 2: rule 't': unknown key 'above' for type drift"));
        assertTrue(error("rules = [\n { name = t, type = drift }\n { name = t, type = drift }\n]").contains("line 3: a second rule named 't'"));
        assertTrue(error("rules = [\n { name = t, type = threshold, metric = rho_i, above = lots }\n]").startsWith("--alerts " + f + ": line 2: "));
        assertTrue(error("alerts = []").contains("expected a list 'rules = ["));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AlertRules.read(dir.resolve("none.conf"), COLUMNS, PAIRS))
                .getMessage().startsWith("--alerts: no such file: "));
    }

    @Test
    void shippedExample_confAlertsConf_reads() {
        AlertRules r = AlertRules.read(Path.of("conf", "alerts.conf"), COLUMNS, PAIRS);
        assertEquals(List.of("near-determination", "new-dependency", "lost-dependency", "drift", "column-lost"),
                r.rules().stream().map(AlertRules.Rule::name).toList());
    }

    @Test
    void fire_eachRuleType() throws IOException {
        AlertRules rules = read("""
                rules = [
                  { name = leak, type = threshold, metric = rho_i, above = 0.95, column = label }
                  { name = lost, type = threshold, metric = mi_nats, below = 0.05, pair = "label ~ b" }
                  { name = new-dep, type = became-dependent }
                  { name = lost-dep, type = became-independent }
                  { name = drift, type = drift, min-nats = 0.1 }
                  { name = col, type = column-skipped }
                ]
                """);
        // baseline: a ~ b dependent at 0.5 nats, a ~ label independent at 0, b ~ label 0.3 nats dependent
        List<ResultsHistory.Row> past = List.of(
                new ResultsHistory.Row(LocalDate.parse("2026-01-01"), null, "a ~ b", "a", "b", 0.5, 0.45, 0.55, 0.8, true, true, "ok"),
                new ResultsHistory.Row(LocalDate.parse("2026-01-01"), null, "a ~ label", "a", "label", 0.0, 0.0, 0.01, 0, false, true, "ok"),
                new ResultsHistory.Row(LocalDate.parse("2026-01-01"), null, "b ~ label", "b", "label", 0.3, 0.25, 0.35, 0.7, true, true, "ok"));
        Baseline base = Baseline.parse("previous").resolve(past, LocalDate.parse("2026-01-02"), "t");
        // now: a ~ b lost its dependence, a ~ label is a leak (2 nats: rho_i 0.98), b ~ label fell to 0.01
        List<SegmentPair> now = List.of(new SegmentPair(null, BaselineTest.ok("a ~ b", 0.0, 0.01, false)),
                new SegmentPair(null, BaselineTest.ok("a ~ label", 2.0, 0.05, true)),
                new SegmentPair(null, BaselineTest.ok("b ~ label", 0.01, 0.01, false)));
        Map<String, Map<String, String>> skipped = new LinkedHashMap<>();
        skipped.put(null, Map.of());
        List<AlertRules.Alert> a = rules.fire(now, skipped, base, 0.01);
        assertEquals(List.of("leak:a ~ label", "lost:b ~ label", "new-dep:a ~ label", "lost-dep:a ~ b", "lost-dep:b ~ label",
                "drift:a ~ b", "drift:a ~ label", "drift:b ~ label"),
                a.stream().map(x -> x.rule() + ":" + x.pair()).toList());
        assertEquals(MiResult.linfoot(2.0), a.get(0).value(), 1e-12);
        // a column analysed before and skipped now fires column-skipped; one never analysed does not
        skipped.put(null, Map.of("b", "ID-like: 99% distinct"));
        assertEquals(List.of("col:b"), rules.fire(List.of(), skipped, base, 0.01).stream()
                .map(x -> x.rule() + ":" + x.column()).toList());
        // a pair screened out has no MINE estimate: threshold rules read its screen (plug-in) estimate
        PairResult screened = new PairResult("b ~ label", "b", "label", Double.NaN, Double.NaN, Double.NaN,
                MiResult.Significance.NONE, 1000, 0, 0, 0, false, false, false, false, 0, PairResult.SCREENED, "screened",
                new org.minespark.spec.PlugIn(0.001, 0.001, 0.9, "bins:10", "bins:10", 100, 1000, ""), Double.NaN);
        assertEquals(0.001, AlertRules.value(screened), 1e-12);
    }
}
