#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the 1-based line on which each start tag begins, in document order, reading the file with `pread`
/// beside the libxml2 reader.
///
/// libxml2 keeps an element's line in 16 bits: past line 65535 every element reads 65535 (XML_PARSE_BIG_LINES
/// only helps text nodes), and a start tag spread over several lines gets the line of its `>`. In a
/// well-formed document without a DOCTYPE, the reader's k-th element node is the k-th start tag, so
/// stepping this scanner once per element node gives that element's exact line. Only for ASCII-compatible
/// encodings: the reader falls back to libxml2's lines for UTF-16.
struct StartTagLineScanner {
    private enum State {
        case text
        case afterLessThan
        case afterBang(matched: Int)
        case comment(dashes: Int)
        case cdata(brackets: Int)
        case instruction(sawQuestionMark: Bool)
        case declaration
        case endTag
        case startTag(quote: UInt8?)
    }

    private let descriptor: Int32
    private var offset: Int64 = 0
    private var buffer: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private var line = 1
    private var previousWasCarriageReturn = false
    private var state = State.text
    private var tagLine = 1

    /// `descriptor` must stay open while the scanner is used; it is read with `pread` only.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The line of the next start tag, or nil at the end of the file.
    mutating func nextStartTagLine() -> Int? {
        let cdataOpening = Array("[CDATA[".utf8)
        while let byte = nextByte() {
            switch state {
            case .text:
                if byte == UInt8(ascii: "<") {
                    tagLine = line
                    state = .afterLessThan
                }
            case .afterLessThan:
                switch byte {
                case UInt8(ascii: "!"): state = .afterBang(matched: 0)
                case UInt8(ascii: "?"): state = .instruction(sawQuestionMark: false)
                case UInt8(ascii: "/"): state = .endTag
                default:
                    state = .startTag(quote: nil)
                    if byte == UInt8(ascii: ">") { state = .text }
                    return tagLine
                }
            case .afterBang(let matched):
                if matched == 0, byte == UInt8(ascii: "-") {
                    state = .afterBang(matched: -1)
                } else if matched == -1 {
                    state = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .declaration
                } else if matched >= 0, byte == cdataOpening[matched] {
                    state = matched + 1 == cdataOpening.count ? .cdata(brackets: 0) : .afterBang(matched: matched + 1)
                } else {
                    state = byte == UInt8(ascii: ">") ? .text : .declaration
                }
            case .comment(let dashes):
                if byte == UInt8(ascii: ">"), dashes >= 2 {
                    state = .text
                } else {
                    state = .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
                }
            case .cdata(let brackets):
                if byte == UInt8(ascii: ">"), brackets >= 2 {
                    state = .text
                } else {
                    state = .cdata(brackets: byte == UInt8(ascii: "]") ? brackets + 1 : 0)
                }
            case .instruction(let sawQuestionMark):
                if byte == UInt8(ascii: ">"), sawQuestionMark {
                    state = .text
                } else {
                    state = .instruction(sawQuestionMark: byte == UInt8(ascii: "?"))
                }
            case .declaration, .endTag:
                if byte == UInt8(ascii: ">") { state = .text }
            case .startTag(let quote):
                if let quote {
                    if byte == quote { state = .startTag(quote: nil) }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    state = .startTag(quote: byte)
                } else if byte == UInt8(ascii: ">") {
                    state = .text
                }
            }
        }
        return nil
    }

    /// The next byte, counting lines as XML does: CR LF, CR and LF each end one line.
    private mutating func nextByte() -> UInt8? {
        if index == buffer.count {
            guard !atEnd else { return nil }
            refill()
            guard index < buffer.count else { return nil }
        }
        let byte = buffer[index]
        index += 1
        if byte == 0x0A {
            if !previousWasCarriageReturn { line += 1 }
            previousWasCarriageReturn = false
        } else if byte == 0x0D {
            line += 1
            previousWasCarriageReturn = true
        } else {
            previousWasCarriageReturn = false
        }
        return byte
    }

    private mutating func refill() {
        let chunk = 64 * 1024
        if buffer.count != chunk { buffer = [UInt8](repeating: 0, count: chunk) }
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, chunk, off_t(offset)) }
        if count <= 0 {
            atEnd = true
            buffer.removeAll()
        } else {
            offset += Int64(count)
            if count < chunk { buffer.removeLast(chunk - count) }
        }
        index = 0
    }
}
