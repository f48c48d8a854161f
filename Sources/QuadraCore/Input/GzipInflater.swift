import CLibZ

/// Streams gzip data through zlib's `inflate`, one member after another (concatenated `.gz` files).
///
/// The `z_stream` lives at a fixed address, as zlib requires: it checks that the stream it is handed is
/// the one it initialised.
final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    /// True between the end of a member and the start of the next one (or the end of the input).
    private(set) var isAtMemberBoundary = false

    /// Nil when zlib cannot set up a stream (out of memory, or a zlib too old for this header).
    init?() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: the largest window, and a gzip or zlib header detected automatically.
        guard quadra_inflateInit2(stream, 15 + 32) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates all of `input` through `output`, handing each decoded piece to `sink`.
    ///
    /// Returns nil when the input was taken cleanly (more may follow), or zlib's account of the damage
    /// (`invalid block type`, `incorrect data check`…); after damage the stream must not be fed again.
    func feed(
        _ input: UnsafeRawBufferPointer, through output: UnsafeMutableRawBufferPointer,
        _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows -> String? {
        guard let inputBase = input.baseAddress, !input.isEmpty, let outputBase = output.baseAddress,
            !output.isEmpty
        else { return nil }
        let outputCount = min(output.count, Int(UInt32.max))
        stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = uInt(min(input.count, Int(UInt32.max)))
        let outputBytes = outputBase.assumingMemoryBound(to: UInt8.self)
        while true {
            if isAtMemberBoundary {
                guard stream.pointee.avail_in > 0 else { return nil }
                // Another member follows: start it afresh, as gzip itself does.
                inflateReset(stream)
                isAtMemberBoundary = false
            }
            stream.pointee.next_out = outputBytes
            stream.pointee.avail_out = uInt(outputCount)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = outputCount - Int(stream.pointee.avail_out)
            if produced > 0 {
                try sink(UnsafeBufferPointer(start: outputBytes, count: produced))
            }
            switch status {
            case Z_STREAM_END:
                isAtMemberBoundary = true
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return nil }
            case Z_BUF_ERROR:
                // No progress was possible: fine when the input is used up, a broken stream otherwise.
                if stream.pointee.avail_in == 0 { return nil }
                return "zlib could not make progress"
            default:
                return describe(status)
            }
        }
    }

    private func describe(_ status: Int32) -> String {
        if let message = stream.pointee.msg { return String(cString: message) }
        switch status {
        case Z_NEED_DICT: return "a preset dictionary is needed"
        case Z_DATA_ERROR: return "invalid compressed data"
        case Z_MEM_ERROR: return "out of memory"
        default: return "zlib error \(status)"
        }
    }
}
