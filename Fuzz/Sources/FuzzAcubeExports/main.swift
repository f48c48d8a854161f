import CLibFuzzer
import Foundation
import QuadraCore

/// The fiscal time zone, loaded once.
let rome = FiscalTimeZone(identifier: "Europe/Rome")!

/// One A-Cube export file, read as each kind the night reader knows (receipts through the fast page scanner or the
/// tree path, journals, notifications, emergency reports): whatever the bytes, a result; a crash stops the run.
func fuzzAcubeExports(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: size > 0 ? data : nil, count: size))
    for kind in [InputKind.acubeReceipts, .acubeJournals, .acubeNotifications, .acubeEmergencyReports] {
        var data = AcubeData(pem: "E001-000001")
        let result = AcubeExportReader.read(
            bytes, kind: kind, displayPath: "acube/E001-000001/fuzz.json", timeZone: rome, into: &data)
        if result.recordsRead < 0 { fatalError("negative records read") }
        // Every receipt kept can be read back.
        for index in 0..<data.receipts.count { _ = data.receipts.receipt(at: index) }
    }
    return 0
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values) { data, size in fuzzAcubeExports(data, size) })
