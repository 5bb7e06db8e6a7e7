package org.minespark.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code report.html} of a {@code pairs} run: one self-contained page (styles, scripts and data
 * inlined; nothing is fetched, it opens from {@code file://} with no network). The page is a
 * skeleton filled in by {@code report.js} from the run's payload, which is embedded as JSON in a
 * {@code <script type="application/json" id="mine-data">} element: the dependency heatmap per
 * segment, the sortable and filterable table of all pairs, each pair's history over run dates, the
 * drift and the alerts. Charts are Apache ECharts, read from its WebJar on the classpath.
 */
final class HtmlReport {
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final Pattern SCRIPT_END = Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);
    private static volatile String echarts;

    private HtmlReport() {
    }

    /** The report page for one run: self-contained (scripts and data inlined), opens with no network. */
    static String render(Map<String, Object> payload) {
        Object date = payload.get("run_date");
        String title = "mine-spark pairs report" + (date == null ? "" : " " + date);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escapeHtml(title) + "</title>\n"
                + "<style>\n" + resource("report.css") + "</style>\n"
                + "</head>\n<body>\n"
                + resource("report-body.html")
                + "<script type=\"application/json\" id=\"mine-data\">\n" + scriptJson(payload) + "</script>\n"
                + "<script>\n" + inlineScript(resource("report.js")) + "</script>\n"
                + "<script>\n" + inlineScript(echarts()) + "\n</script>\n"
                + "<script>\n" + inlineScript(resource("report-charts.js")) + "</script>\n"
                + "</body>\n</html>\n";
    }

    /**
     * The payload as JSON that cannot end its script element: {@code </} becomes {@code <\/} (the
     * same string to a JSON parser), {@code <!--} is written {@code \u003c!--} (it would put the
     * HTML parser into the escaped script state), and U+2028/U+2029 are escaped.
     */
    static String scriptJson(Object payload) {
        return JsonWriter.toJson(payload)
                .replace("</", "<\\/")
                .replace("<!--", "\\u003c!--")
                .replace("\u2028", "\\u2028")
                .replace("\u2029", "\\u2029");
    }

    /** Script text for an inline script element: a {@code </script} in it (a string, a regex) written {@code <\/script}. */
    static String inlineScript(String js) {
        return SCRIPT_END.matcher(js).replaceAll(Matcher.quoteReplacement("<\\/") + "$1");
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String echarts() {
        String js = echarts;
        if (js == null) {
            js = read(HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS), ECHARTS);
            echarts = js;
        }
        return js;
    }

    private static String resource(String name) {
        return read(HtmlReport.class.getResourceAsStream(name), name);
    }

    private static String read(InputStream in, String name) {
        if (in == null) {
            throw new IllegalStateException("report resource missing from the classpath: " + name);
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report resource " + name, e);
        }
    }
}
