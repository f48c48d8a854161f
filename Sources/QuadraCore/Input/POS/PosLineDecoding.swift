/// One POS log line → a record, or the reason it is rejected (formats.md §1.1), by the strict parser: for the
/// lines the fast scanner (`PosLineScanner`, which spills the ordinary ones straight from their bytes) declines,
/// and for the exact message.
enum PosLineDecoding {
    static func strictly(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Result<
        PosRecord, PosEventDecoder.Rejection
    > {
        do {
            let value = try JSONParser.parse(line, firstLine: lineNumber)
            return .success(try PosEventDecoder.decode(value))
        } catch let error as JSONParseError {
            return .failure(.init(message: "bad JSON at column \(error.column): \(error.message)"))
        } catch let error as PosEventDecoder.Rejection {
            return .failure(error)
        } catch {
            return .failure(.init(message: "\(error)"))
        }
    }
}
