import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Suite struct SchemaValidatorTests {
    private func validate(_ fixture: String) -> SchemaValidation {
        SchemaValidator.validate(url: TestSupport.fixture(fixture), displayPath: fixture)
    }

    @Test func validRegisterHasNoDiagnostics() {
        let validation = validate("valid/register.xml")
        #expect(validation.schema == .emergencyRegister)
        #expect(validation.diagnostics == [])
        #expect(validation.isValid)
    }

    @Test func registerWithValuesOnlyTheReaderJudgesIsStillSchemaValid() {
        #expect(validate("invalid/bad-values.xml").diagnostics == [])
    }

    @Test func schemaErrorsComeOnePerDiagnosticWithTheirLines() {
        let validation = validate("invalid/missing-gross.xml")
        #expect(validation.schema == .emergencyRegister)
        #expect(!validation.isValid)
        #expect(validation.diagnostics.map(\.location.line) == [5, 7])
        #expect(
            validation.diagnostics.first?.description
                == "invalid/missing-gross.xml:5: Element 'line': The attribute 'gross' is required but missing.")
    }

    @Test func malformedDocumentReportsTheParserError() {
        let validation = validate("invalid/malformed.xml")
        #expect(validation.schema == nil)
        #expect(
            validation.diagnostics.map(\.description) == [
                "invalid/malformed.xml:8: Opening and ending tag mismatch: line line 7 and entry"
            ])
    }

    @Test func unknownNamespaceNamesTheKnownOnes() {
        let validation = validate("invalid/wrong-namespace.xml")
        #expect(validation.schema == nil)
        #expect(
            validation.diagnostics.map(\.description) == [
                "invalid/wrong-namespace.xml:2: unknown document: the root element 'emergencyRegister' has namespace "
                    + "\"urn:example:something-else\"; expected one of reconciliation in urn:quadra:reconciliation:1 "
                    + "(reconciliation report), emergencyRegister in urn:quadra:emergency-register:1 (emergency "
                    + "register), emergency_report in no namespace (emergency report upload)"
            ])
    }

    @Test func rootWithoutNamespaceIsUnknown() throws {
        let url = try TestSupport.temporaryFile(named: "plain.xml", text: "<?xml version=\"1.0\"?>\n\n<report/>\n")
        let validation = SchemaValidator.validate(url: url, displayPath: "plain.xml")
        #expect(validation.diagnostics.count == 1)
        #expect(validation.diagnostics.first?.location.line == 3)
        #expect(
            validation.diagnostics.first?.message.hasPrefix(
                "unknown document: the root element 'report' has no namespace") == true)
    }

    @Test func emptyFileIsNotValid() throws {
        let url = try TestSupport.temporaryFile(named: "empty.xml", bytes: [])
        let validation = SchemaValidator.validate(url: url, displayPath: "empty.xml")
        #expect(validation.schema == nil)
        #expect(validation.diagnostics.count == 1)
        #expect(validation.diagnostics.first?.wholeFile == true)
    }

    @Test func validatingAsAnotherKindUsesThatSchema() {
        let validation = SchemaValidator.validate(
            url: TestSupport.fixture("valid/register.xml"), displayPath: "r.xml", as: .reconciliation)
        #expect(validation.schema == .reconciliation)
        #expect(validation.diagnostics.map(\.location.line) == [3])
        #expect(validation.diagnostics.first?.message.contains("No matching global declaration") == true)
    }

    @Test func manyErrorsAreCappedWithACount() throws {
        var text = #"<emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="P">"# + "\n"
        for _ in 0..<130 {
            text += #"<entry recordedAt="2026-11-21 19:00" payment="cash"><line gross="1"/></entry>"# + "\n"
        }
        text += "</emergencyRegister>\n"
        let url = try TestSupport.temporaryFile(named: "many.xml", text: text)
        let validation = SchemaValidator.validate(url: url, displayPath: "many.xml")
        #expect(validation.diagnostics.count == 101)
        #expect(validation.diagnostics[99].location.line == 101)
        #expect(validation.diagnostics.last?.description == "many.xml: and 30 more errors not listed")
    }
}
