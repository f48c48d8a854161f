/// One POS log line → a record, or the reason it is rejected (formats.md §1.1): the fast scanner for the
/// ordinary shape, the strict parser for everything else (and for the exact message).
enum PosLineDecoding {
    static func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Result<
        PosRecord, PosEventDecoder.Rejection
    > {
        if let record = PosLineScanner.decode(line) { return .success(record) }
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
