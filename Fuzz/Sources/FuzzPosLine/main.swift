import CLibFuzzer
import Foundation
import QuadraCore

/// One POS log line, through both decoders. The fast scanner's contract (`PosLineScanner`): whenever it gives a
/// record, the strict path (`JSONParser`, then `PosEventDecoder`) gives the same one; whenever the strict path
/// rejects the line, the scanner gives nil. (The scanner may also decline a line the strict path accepts: an unusual
/// one, which the night reader then reads strictly.) A difference stops the run, as a crash, with the input kept.
func fuzzPosLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let line = UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
    let fast = PosLineScanner.decode(line)
    let strict: Result<PosRecord, any Error>
    do {
        strict = .success(try PosEventDecoder.decode(JSONParser.parse(line)))
    } catch {
        strict = .failure(error)
    }
    switch (fast, strict) {
    case (let record?, .success(let expected)) where record != expected:
        fatalError("the fast path read \(record), the strict path \(expected)")
    case (let record?, .failure(let error)):
        fatalError("the fast path accepted \(record), the strict path rejects it: \(error)")
    default:
        return 0
    }
}

var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values) { data, size in fuzzPosLine(data, size) })
