import Foundation
import QuadraCore

/// The libxml2 register reader, offered to the core's night reader (`NightReader.registerXML`).
public struct LibXMLRegisterReader: RegisterXMLReading {
    public init() {}

    public func readRegister(url: URL, displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult {
        RegisterXMLReader.read(url: url, displayPath: displayPath, timeZone: timeZone)
    }
}
