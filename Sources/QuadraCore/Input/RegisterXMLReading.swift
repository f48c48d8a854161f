import Foundation

/// Reads emergency registers kept as XML; the XML module implements it (the core never calls libxml2).
public protocol RegisterXMLReading: Sendable {
    func readRegister(url: URL, displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult
}
