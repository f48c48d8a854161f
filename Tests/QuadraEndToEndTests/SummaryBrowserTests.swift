import Foundation
import QuadraTestSupport
import Testing

/// summary.html in a real browser: Chromium (Debian's `chromium`, or the one `QUADRA_CHROMIUM` names) prints the
/// sample night's page to PDF and takes a screenshot; poppler's pdfinfo and pdftotext read the PDF back. `.ci/run`
/// installs both packages. (`scripts/render-summary.sh` does the same by hand, keeping the files.)
@Suite struct SummaryBrowserTests {
    /// A4 in PostScript points, and the page's margins (`@page { margin: 12mm 10mm }`).
    static let a4 = (width: 595.28, height: 841.89)
    static let sideMargin = 10 / 25.4 * 72

    struct Word {
        var xMin: Double
        var yMin: Double
        var xMax: Double
        var text: String
    }

    static func tool(_ names: [String], variable: String? = nil) throws -> URL {
        try #require(
            ExternalProgram.find(names, environmentVariable: variable),
            "\(names[0]) is missing: apt-get install chromium poppler-utils (.ci/run installs them)")
    }

    /// Runs Chromium headless on `page` with `arguments`, a fresh profile in `scratch`.
    static func chromium(_ arguments: [String], page: URL, scratch: URL) async throws {
        let browser = try tool(["chromium", "chromium-browser", "google-chrome"], variable: "QUADRA_CHROMIUM")
        let profile = scratch.appendingPathComponent("profile-\(UUID().uuidString.prefix(8))")
        let result = try await ExternalProgram.run(
            browser,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)",
            ] + arguments + [page.absoluteString])
        #expect(result.status == 0 && !result.timedOut, "chromium: \(result.stderr)")
    }

    /// The words pdftotext finds on each page, with their boxes.
    static func pages(_ pdf: URL) async throws -> [[Word]] {
        let result = try await ExternalProgram.run(try tool(["pdftotext"]), ["-bbox", pdf.path, "-"])
        #expect(result.status == 0, "pdftotext: \(result.stderr)")
        let text = String(decoding: result.stdout, as: UTF8.self)
        return text.components(separatedBy: "<page ").dropFirst().map { page in
            page.matches(
                of: /<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="[0-9.-]+">(.*?)<\/word>/
            ).compactMap { match -> Word? in
                guard let xMin = Double(match.output.1), let yMin = Double(match.output.2),
                    let xMax = Double(match.output.3)
                else { return nil }
                return Word(xMin: xMin, yMin: yMin, xMax: xMax, text: SummaryPageReader.unescape(match.output.4))
            }
        }
    }

    @Test(arguments: ["it", "en"])
    func theSummaryPrintsOnA4WithNothingCutAndShowsOnScreen(language: String) async throws {
        let out = try await SummaryHTMLTests.runSample(["--language", language])
        let page = out.appendingPathComponent("summary.html")
        let figures = try SummaryPageReader(String(contentsOf: page, encoding: .utf8))
        let scratch = try QuadraBinary.temporaryDirectory("browser")
        let pdf = scratch.appendingPathComponent("summary.pdf")
        try await Self.chromium(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"], page: page, scratch: scratch)

        // Every page is A4 (pdfinfo, then the page boxes pdftotext reports).
        let info = try await ExternalProgram.run(try Self.tool(["pdfinfo"]), ["-f", "1", "-l", "9999", pdf.path])
        let infoText = String(decoding: info.stdout, as: UTF8.self)
        let sizes = infoText.matches(of: /Page +[0-9]+ size: +([0-9.]+) x ([0-9.]+) pts/).map { match in
            (Double(match.output.1) ?? 0, Double(match.output.2) ?? 0)
        }
        #expect(!sizes.isEmpty, "\(infoText)")
        for (width, height) in sizes {
            #expect(abs(width - Self.a4.width) < 1 && abs(height - Self.a4.height) < 1, "\(width) x \(height) pts")
        }
        let pages = try await Self.pages(pdf)
        let words = pages.flatMap { $0 }
        #expect(pages.count == sizes.count && !words.isEmpty)

        // Nothing reaches past the right margin: no table is wider than the page.
        let rightEdge = Self.a4.width - Self.sideMargin + 1
        let outside = words.filter { $0.xMin < Self.sideMargin - 1 || $0.xMax > rightEdge }
        #expect(outside.isEmpty, "beyond the margins: \(outside.prefix(5).map { "\($0.text) \($0.xMax)" })")

        // The day table's total row is on one line, whole, down to its rightmost column (info).
        let italian = language == "it"
        let onPage = try #require(pages.first { $0.contains { $0.text == (italian ? "Totale" : "Total") } })
        let totalWord = try #require(onPage.first { $0.text == (italian ? "Totale" : "Total") })
        let line = onPage.filter { abs($0.yMin - totalWord.yMin) < 2 }.sorted { $0.xMin < $1.xMin }.map(\.text)
        let expected = figures.total.filter { !$0.isEmpty }.joined(separator: " ").split(separator: " ").map(
            String.init)
        #expect(line == expected, "the printed total row")
        // The rightmost columns' headings: Info (days), What to do (codes), SHA-256 (inputs), Detail (findings).
        let texts = Set(words.map(\.text))
        for heading in ["Info", "SHA-256", italian ? "Dettaglio" : "Detail", italian ? "Cosa" : "What"] {
            #expect(texts.contains(heading), "\(heading)")
        }
        // Every group is printed open: the findings' sales are there, though the groups start closed.
        for sale in ["S-1004", "S-1007", "S-1014"] { #expect(texts.contains(sale), "\(sale)") }

        // On screen: a screenshot that is not blank, with text, and the critical count in red.
        let png = scratch.appendingPathComponent("summary.png")
        try await Self.chromium(["--window-size=1280,1400", "--screenshot=\(png.path)"], page: page, scratch: scratch)
        let image = try PNGImage(contentsOf: png)
        #expect(image.width == 1280 && image.height == 1400)
        let (r0, g0, b0) = (image.rgba[0], image.rgba[1], image.rgba[2])
        let painted = image.count { $0 != r0 || $1 != g0 || $2 != b0 }
        let dark = image.count { $0 < 90 && $1 < 90 && $2 < 90 }
        let red = image.count { $0 > 140 && $1 < 40 && $2 < 40 }
        #expect(painted > image.width * image.height / 50, "\(painted) pixels differ from the background")
        #expect(dark > 2_000, "text: \(dark) dark pixels")
        #expect(red > 20, "the critical count in red: \(red) pixels")
        try? FileManager.default.removeItem(at: scratch)
    }
}
