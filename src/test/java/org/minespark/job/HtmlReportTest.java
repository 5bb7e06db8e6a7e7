package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.SystemPackages;

/**
 * report.html: the payload cannot break out of its script element, and the page renders in a real
 * headless browser (Debian's chromium, installed by {@code .ci/run}; skipped without it, failed
 * under {@code CI=true}): one table row per pair, both charts drawn, no script or console error.
 * {@code -Dmine.report.screenshot=docs/report.png} also writes the screenshot of a sample report.
 */
class HtmlReportTest {
    private static final String HOSTILE = "note</script><script>document.body.dataset.errors='pwned'</script><!--\u2028";
    private static final Pattern DATA = Pattern.compile("<script type=\"application/json\" id=\"mine-data\">(.*?)</script",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    @TempDir
    Path tmp;

    @Test
    void payload_cannotCloseItsScriptElement() {
        String html = HtmlReport.render(payload(List.of("a", HOSTILE), List.of("US"), null));
        Matcher m = DATA.matcher(html);
        assertTrue(m.find(), "no mine-data element");
        String json = m.group(1);
        assertTrue(json.strip().endsWith("}"), "the data element ends inside the JSON: ..." + json.substring(Math.max(0, json.length() - 80)));
        assertTrue(json.contains("note<\\/script><script>document.body.dataset.errors='pwned'<\\/script>\\u003c!--\\u2028"), json);
        assertFalse(json.contains("\u2028"), "raw U+2028 left in the JSON");
        assertTrue(html.startsWith("</script>\n<script>\n/* report.html", m.end(1)), "the data element ended early");
        assertEquals(json.strip(), HtmlReport.scriptJson(payload(List.of("a", HOSTILE), List.of("US"), null)).strip());
    }

    @Test
    void inlineScripts_neverContainAScriptEndTag() {
        assertEquals("var s = '<\\/script>', t = /<\\/SCRIPT/;", HtmlReport.inlineScript("var s = '</script>', t = /</SCRIPT/;"));
        assertEquals("&lt;/title&gt;&amp;&quot;", HtmlReport.escapeHtml("</title>&\""));
    }

    @Test
    void allPairs_twoSegments_rendersInHeadlessChromium() throws Exception {
        requireChromium();
        List<String> units = List.of("age", "income", "region", "tenure", "spend", HOSTILE);
        String dom = open(payload(units, List.of("US", "EU"), null));
        assertTrue(dom.contains("<section id=\"alerts\" class=\"panel fired\">"), "alerts not highlighted");
        assertFalse(dom.contains("<label id=\"segment-choice\" hidden"), "no segment selector for two segments");
        assertFalse(dom.contains("<p class=\"none\">"), "a section says none although it has rows");

        String shot = System.getProperty("mine.report.screenshot");
        if (shot != null && !shot.isBlank()) {
            Path sample = tmp.resolve("sample.html");
            Files.writeString(sample, HtmlReport.render(payload(units.subList(0, 5), List.of("US", "EU"), null)));
            Path png = Path.of(shot).toAbsolutePath();
            ReportBrowser.chromium(sample, tmp, "--window-size=1400,1000", "--hide-scrollbars", "--screenshot=" + png);
            assertTrue(Files.size(png) > 10_000, "screenshot " + png + " not written");
        }
    }

    @Test
    void targetMode_wholeTable_noAlerts_rendersInHeadlessChromium() throws Exception {
        requireChromium();
        Map<String, Object> payload = payload(List.of("age", "income", "region", "tenure", "churn"), Collections.singletonList(null),
                "churn");
        payload.put("drift", List.of());
        payload.put("alerts", List.of());
        String dom = open(payload);
        assertTrue(dom.contains("<section id=\"alerts\" class=\"panel\">"), "alerts highlighted although none fired");
        assertEquals(2, dom.split("<p class=\"none\">none</p>", -1).length - 1, "alerts and drift should say none");
        assertTrue(dom.contains("<label id=\"segment-choice\" hidden"), "a segment selector for the whole table");
    }

    private static void requireChromium() {
        ReportBrowser.require();
    }

    /** Renders {@code payload} and checks it in chromium ({@link ReportBrowser#check}); returns the dumped DOM. */
    private String open(Map<String, Object> payload) throws IOException, InterruptedException {
        Path page = tmp.resolve("report.html");
        Files.writeString(page, HtmlReport.render(payload), StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) payload.get("pairs");
        return ReportBrowser.check(page, pairs.stream().map(p -> (String) p.get("pair")).toList(), tmp);
    }

    @Test
    void emptyPayload_selfContainedPage() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("run_date", "2026-12-07");
        String html = HtmlReport.render(p);
        assertTrue(html.contains("echarts"), "ECharts not inlined");
        String markup = html.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
        assertFalse(Pattern.compile("\\s(src|href)=").matcher(markup).find(), "the page loads a file:\n" + markup);
        assertTrue(html.contains("<title>mine-spark pairs report 2026-12-07</title>"), html.substring(0, 300));
    }

    /**
     * All pairs of {@code units} (or each unit vs {@code target} when not null) in every segment, a
     * 3-date history, one drift row and two alerts.
     */
    static Map<String, Object> payload(List<String> units, List<String> segments, String target) {
        List<String[]> xy = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            for (int j = i + 1; j < units.size() && target == null; j++) {
                xy.add(new String[] {units.get(i), units.get(j)});
            }
            if (target != null && !units.get(i).equals(target)) {
                xy.add(new String[] {units.get(i), target});
            }
        }
        String[] dates = {"2026-11-23", "2026-11-30", "2026-12-07"};
        String[] statuses = {"ok", "ok", "ok", "ok", "constant", "ok", "screened", "ok", "diverged"};
        List<Object> pairs = new ArrayList<>();
        List<Object> history = new ArrayList<>();
        int k = 0;
        for (String segment : segments) {
            for (String[] pair : xy) {
                String status = statuses[k % statuses.length];
                boolean ok = status.equals("ok");
                double mi = ok ? 0.05 + ((k * 37) % 11) / 10.0 : Double.NaN;
                k++;
                Map<String, Object> p = pair(segment, pair[0], pair[1], mi, status);
                pairs.add(p);
                for (int d = 0; d < dates.length; d++) {
                    double m = ok ? mi * (0.8 + 0.1 * d) : Double.NaN;
                    history.add(map("run_date", dates[d], "segment", segment, "pair", p.get("pair"), "mi_nats", m,
                            "ci95_low_nats", m * 0.85, "ci95_high_nats", m * 1.15, "rho_i", Math.sqrt(1 - Math.exp(-2 * m)),
                            "dependent", ok && m > 0.1, "status", status));
                }
            }
        }
        Map<String, Object> run = map("input", "data/customers.parquet", "mode", target == null ? "all-pairs" : "target",
                "correction", "bh", "family", "0.05", "baseline", "2026-11-30", "screen", "plugin");
        String first = units.get(0) + " ~ " + units.get(1);
        Map<String, Object> drift = map("segment", segments.get(0), "pair", first, "baseline", "2026-11-30",
                "baseline_mi_nats", 0.12, "baseline_low_nats", 0.10, "baseline_high_nats", 0.14,
                "mi_nats", 0.31, "ci95_low_nats", 0.28, "ci95_high_nats", 0.34);
        List<Object> alerts = List.of(
                map("rule", "mi-above", "kind", "pair", "segment", segments.get(0), "pair", first, "column", null,
                        "value", 0.31, "threshold", 0.25, "message", "MI 0.31 nats above 0.25"),
                map("rule", "nulls", "kind", "column", "segment", null, "pair", null, "column", units.get(units.size() - 1),
                        "value", 0.4, "threshold", 0.2, "message", "null fraction 0.4 above 0.2"));
        return map("run_date", dates[2], "run", run, "units", units, "segments", segments, "pairs", pairs,
                "history", history, "drift", List.of(drift), "alerts", alerts);
    }

    private static Map<String, Object> pair(String segment, String x, String y, double mi, String status) {
        boolean none = Double.isNaN(mi);
        return map("segment", segment, "pair", x + " ~ " + y, "x", x, "y", y, "mi_nats", mi, "mi_bits", mi / Math.log(2),
                "ci95_low_nats", mi * 0.85, "ci95_high_nats", mi * 1.15, "rho_i", Math.sqrt(1 - Math.exp(-2 * mi)),
                "p_value", none ? Double.NaN : Math.exp(-40 * mi), "q_value", none ? Double.NaN : Math.min(1, 3 * Math.exp(-40 * mi)),
                "dependent", mi > 0.1, "status", status,
                "message", status.equals("diverged") ? "training diverged twice" : status.equals("ok") ? null : status + " column",
                "plugin_nats", status.equals("constant") ? Double.NaN : 0.9 * (none ? 0.001 : mi),
                "plugin_p_value", status.equals("screened") ? 0.6 : 0.001,
                "screen", status.equals("screened") ? "below threshold" : null);
    }

    /** A map of the keys and values in order (values may be null). */
    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
