import Foundation

@testable import QuadraCore

/// A PNG read into 8-bit RGBA pixels: enough of the format for the screenshots Chromium writes (8-bit RGB or RGBA,
/// not interlaced), inflated through QuadraCore's zlib stream.
struct PNGImage {
    var width: Int
    var height: Int
    /// Row after row, four bytes (red, green, blue, alpha) a pixel.
    var rgba: [UInt8]

    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 8, bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw Unsupported(description: "\(url.path) is not a PNG")
        }
        func uint32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var position = 8
        var width = 0
        var height = 0
        var channels = 0
        var compressed: [UInt8] = []
        while position + 8 <= bytes.count {
            let length = uint32(position)
            let type = String(decoding: bytes[position + 4..<position + 8], as: UTF8.self)
            let data = position + 8
            guard data + length <= bytes.count else { throw Unsupported(description: "truncated chunk \(type)") }
            switch type {
            case "IHDR":
                width = uint32(data)
                height = uint32(data + 4)
                let (depth, colour, interlace) = (bytes[data + 8], bytes[data + 9], bytes[data + 12])
                guard depth == 8, colour == 2 || colour == 6, interlace == 0 else {
                    throw Unsupported(description: "depth \(depth), colour type \(colour), interlace \(interlace)")
                }
                channels = colour == 6 ? 4 : 3
            case "IDAT": compressed += bytes[data..<data + length]
            default: break
            }
            position = data + length + 4
        }
        guard width > 0, height > 0, let inflater = GzipInflater() else {
            throw Unsupported(description: "no image header")
        }
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let damage = compressed.withUnsafeBytes { input in
            buffer.withUnsafeMutableBytes { output in inflater.feed(input, through: output) { raw += $0 } }
        }
        let stride = width * channels
        guard damage == nil, raw.count == height * (stride + 1) else {
            throw Unsupported(description: "image data: \(damage ?? "\(raw.count) bytes for \(width)×\(height)")")
        }
        // Undo each row's filter (PNG §9): none, sub, up, average, Paeth.
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for column in 0..<stride {
                let value = raw[row * (stride + 1) + 1 + column]
                let left = column >= channels ? Int(pixels[row * stride + column - channels]) : 0
                let up = row > 0 ? Int(pixels[(row - 1) * stride + column]) : 0
                let upLeft = row > 0 && column >= channels ? Int(pixels[(row - 1) * stride + column - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let estimate = left + up - upLeft
                    let (toLeft, toUp, toUpLeft) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
                    predictor = toLeft <= toUp && toLeft <= toUpLeft ? left : (toUp <= toUpLeft ? up : upLeft)
                default: throw Unsupported(description: "filter \(filter)")
                }
                pixels[row * stride + column] = UInt8(truncatingIfNeeded: Int(value) + predictor)
            }
        }
        self.width = width
        self.height = height
        if channels == 4 {
            rgba = pixels
        } else {
            rgba = []
            rgba.reserveCapacity(width * height * 4)
            for pixel in 0..<(width * height) {
                rgba += pixels[pixel * 3..<pixel * 3 + 3]
                rgba.append(255)
            }
        }
    }

    /// How many pixels satisfy `test` (given red, green, blue).
    func count(where test: (UInt8, UInt8, UInt8) -> Bool) -> Int {
        var count = 0
        for pixel in 0..<(width * height) where test(rgba[pixel * 4], rgba[pixel * 4 + 1], rgba[pixel * 4 + 2]) {
            count += 1
        }
        return count
    }
}
