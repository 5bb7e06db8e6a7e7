package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.minespark.SystemPackages;

/**
 * Loads a report.html in Debian's headless chromium (installed by {@code .ci/run}) and checks what
 * every report must show: one table row per pair, both charts drawn, no script or console error.
 */
final class ReportBrowser {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern ROW = Pattern.compile("<tr\\s[^>]*?data-pair=\"([^\"]*)\"");

    private ReportBrowser() {
    }

    /** Skips the test without chromium, fails it under {@code CI=true}. */
    static void require() {
        SystemPackages.requirePackage(Files.isExecutable(CHROMIUM),
                "chromium, to render report.html in a headless browser (apt-get install --no-install-recommends chromium)");
    }

    record Browser(String stdout, String stderr) {
    }

    /**
     * Loads {@code page} and asserts: a table row for each of {@code pairs} (as many rows as pairs, so
     * a pair of several segments is listed once per segment), the heatmap and the history chart
     * drawn, no error recorded by the page and none in chromium's console log. Returns the dumped DOM.
     */
    static String check(Path page, List<String> pairs, Path tmp) throws IOException, InterruptedException {
        Browser run = chromium(page, tmp, "--dump-dom");
        String dom = run.stdout;
        List<String> rows = new ArrayList<>();
        for (Matcher m = ROW.matcher(dom); m.find();) {
            rows.add(unescape(m.group(1)));
        }
        assertEquals(pairs.size(), rows.size(), "table rows in the dumped DOM; stderr:\n" + run.stderr);
        for (String p : pairs) {
            assertTrue(rows.contains(p), "no row for " + p);
        }
        // the page's state, as attributes of <body> (the first <body tag: the inlined scripts come later)
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), "no <body> in the dumped DOM");
        String state = body.group(1);
        assertTrue(state.contains("data-heatmap=\"drawn\""), "heatmap not drawn: <body" + state + ">; stderr:\n" + run.stderr);
        assertTrue(state.contains("data-history=\"drawn\""), "history chart not drawn: <body" + state + ">");
        assertFalse(state.contains("data-errors="), "page errors: <body" + state + ">");
        List<String> console = run.stderr.lines().filter(l -> l.contains("CONSOLE")).toList();
        assertTrue(console.stream().anyMatch(l -> l.contains("mine report: " + pairs.size() + " pairs")),
                "the page's console output is not in chromium's stderr, so checking it would prove nothing:\n" + run.stderr);
        for (String line : console) {
            assertFalse(line.contains("Uncaught") || line.toLowerCase().contains("error"), line);
        }
        return dom;
    }

    /** Runs headless chromium on {@code page} with {@code action} (e.g. --dump-dom, --screenshot=F). */
    static Browser chromium(Path page, Path tmp, String... action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000"));
        cmd.addAll(List.of(action));
        cmd.add(page.toUri().toString());
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish in 120 s:\n" + Files.readString(err));
        }
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), "chromium failed:\n" + stderr);
        return new Browser(Files.readString(out), stderr);
    }

    private static String unescape(String attr) {
        return attr.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }
}
