import CLibFuzzer
import Foundation
import QuadraCore
import QuadraXML

#if canImport(Glibc)
    import Glibc
#endif

/// Where the XML reader, which reads files, finds the input: one file per fuzzing process.
let xmlFile = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-fuzz-register-\(getpid()).xml")

/// The fiscal time zone, loaded once.
let rome = FiscalTimeZone(identifier: "Europe/Rome")!

/// An emergency register, as CSV and as XML (formats.md §1.3 and §1.4): whatever the bytes, each reader returns
/// entries and diagnostics, every entry it keeps has positive grosses, and every rejection is said; a crash stops
/// the run.
func fuzzRegisters(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: size > 0 ? data : nil, count: size))
    let csv = CSVRegisterReader.parse(bytes, displayPath: "emergency/fuzz.csv", timeZone: rome)
    check(csv, "CSV")
    guard FileManager.default.createFile(atPath: xmlFile.path, contents: Data(bytes)) else {
        fatalError("cannot write \(xmlFile.path)")
    }
    let xml = RegisterXMLReader.read(url: xmlFile, displayPath: "emergency/fuzz.xml", timeZone: rome)
    check(xml, "XML")
    return 0
}

func check(_ result: RegisterReadResult, _ format: String) {
    for entry in result.entries where entry.lines.contains(where: { $0.gross.cents <= 0 }) {
        fatalError("the \(format) reader kept an entry with a gross of zero or less: \(entry)")
    }
    if result.recordsRejected > 0 && result.diagnostics.isEmpty {
        fatalError("the \(format) reader rejected \(result.recordsRejected) records without a word")
    }
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values) { data, size in fuzzRegisters(data, size) })
