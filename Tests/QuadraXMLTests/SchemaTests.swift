import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Suite struct SchemaTests {
    @Test(arguments: XMLSchemaKind.allCases)
    func embeddedSchemaIsByteIdenticalToTemplate(kind: XMLSchemaKind) throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Templates").appendingPathComponent(
            kind.schemaFileName)
        let template = Array(try Data(contentsOf: url))
        let embedded = Array(kind.schemaText.utf8)
        // Byte comparison (String equality would forgive Unicode normalisation); report the first differing line.
        let common = min(template.count, embedded.count)
        let firstDifference = (0..<common).first { template[$0] != embedded[$0] } ?? common
        let line = template.prefix(firstDifference).filter { $0 == 0x0A }.count + 1
        let identical = template == embedded
        #expect(
            identical,
            "Schemas.swift and Templates/\(kind.schemaFileName) differ from line \(line): copy the template over")
    }

    @Test func schemaConstantsAreTheKindsSchemas() {
        #expect(XMLSchemaKind.reconciliation.schemaText == Schemas.reconciliation)
        #expect(XMLSchemaKind.emergencyRegister.schemaText == Schemas.emergencyRegister)
        #expect(Schemas.reconciliation.contains(#"targetNamespace="urn:quadra:reconciliation:1""#))
        #expect(Schemas.emergencyRegister.contains(#"targetNamespace="urn:quadra:emergency-register:1""#))
    }

    @Test(arguments: XMLSchemaKind.allCases)
    func embeddedSchemaCompiles(kind: XMLSchemaKind) throws {
        let schema = try CompiledSchema(kind)
        #expect(schema.kind == kind)
    }

    @Test func reconciliationSchemaEnumeratesEveryFindingCodeAndInputKind() {
        let enumerations = Schemas.reconciliation.matches(of: /<xs:enumeration value="([A-Z_]+)"\/>/).map {
            String($0.output.1)
        }
        #expect(enumerations == FindingCode.allCases.map(\.rawValue))
        #expect(enumerations.count == 25)
        for kind in InputKind.allCases {
            #expect(Schemas.reconciliation.contains(#"<xs:enumeration value="\#(kind.rawValue)"/>"#))
        }
        for severity in Severity.allCases {
            #expect(Schemas.reconciliation.contains(#"<xs:enumeration value="\#(severity.description)"/>"#))
        }
    }

    @Test func kindIsFoundByNamespace() {
        #expect(XMLSchemaKind(root: "reconciliation", namespace: "urn:quadra:reconciliation:1") == .reconciliation)
        #expect(
            XMLSchemaKind(root: "emergencyRegister", namespace: "urn:quadra:emergency-register:1")
                == .emergencyRegister)
        #expect(XMLSchemaKind(root: "emergencyRegister", namespace: "urn:quadra:emergency-register:2") == nil)
        #expect(XMLSchemaKind(root: "emergency_report", namespace: nil) == .emergencyReport)
        #expect(XMLSchemaKind(root: "emergency_report", namespace: "urn:x") == nil)
    }
}
