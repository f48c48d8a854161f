/// One POS log line → a record, or the reason it is rejected (formats.md §1.1), by the strict parser: for the
/// lines the fast scanner (`PosLineScanner`, which spills the ordinary ones straight from their bytes) declines,
/// and for the exact message.
enum PosLineDecoding {
    static func strictly(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Result<
        PosRecord, PosEventDecoder.Rejection
    > {
        var builder = PosRecordBuilder()
        if let rejection = strictly(line, lineNumber: lineNumber, into: &builder) { return .failure(rejection) }
        guard let record = builder.record else { preconditionFailure("an accepted line reaches its sink") }
        return .success(record)
    }

    /// Hands the line's record to `sink`; the rejection when there is none.
    static func strictly<Sink: PosRecordSink>(
        _ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into sink: inout Sink
    ) -> PosEventDecoder.Rejection? where Sink.Text == String {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line, firstLine: lineNumber)
        } catch {
            return .init(message: "bad JSON at column \(error.column): \(error.message)")
        }
        do {
            try PosEventDecoder.decode(value, into: &sink)
            return nil
        } catch {
            return error
        }
    }
}
