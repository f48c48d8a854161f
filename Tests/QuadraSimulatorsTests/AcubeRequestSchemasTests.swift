import Foundation
import QuadraCore
import Testing

@testable import QuadraSimulators

/// The simulator validates bodies against an embedded copy of A-Cube's request schemas: it must be the contract's
/// file byte for byte, and find each operation's schema the way the OpenAPI file says.
@Suite struct AcubeRequestSchemasTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theEmbeddedSubsetIsTheTemplateByteForByte() throws {
        let template = try Data(contentsOf: Self.root.appendingPathComponent("Templates/acube-openapi-subset.json"))
        #expect(Array(AcubeOpenAPISubset.text.utf8) == Array(template))
        // The contract's own copy, where the workspace has it beside the project.
        let shared = Self.root.deletingLastPathComponent().appendingPathComponent(
            "shared/spec/acube-openapi-subset.json")
        if let contract = FileManager.default.contents(atPath: shared.path) {
            #expect(contract == template, "Templates/acube-openapi-subset.json differs from the contract's")
        }
    }

    @Test func eachOperationFindsItsRequestBodySchema() throws {
        let schemas = AcubeRequestSchemas.shared
        #expect(
            schemas.pointers == [
                .uploadEmergencyReport: "#/components/schemas/A-Cube_GOV-IT_PEL_Platform_Pem.EmergencyReportInput",
                .communicateOffline: "#/components/schemas/E-Receipt_IT_API_PEMStatusOfflineRequest",
            ])
        let missing = try JSONParser.parse(Array(#"{"reason":"x"}"#.utf8))
        let violations = schemas.violations(of: missing, for: .communicateOffline)
        #expect(violations.map(\.propertyPath) == ["timestamp"], "the missing field is named itself")
        #expect(violations.map(\.type) == ["missing"])
        let null = try JSONParser.parse(
            Array(#"{"datetime":"2026-11-21T19:02:00Z","ticket_restaurant_quantity":null}"#.utf8))
        #expect(
            schemas.violations(of: null, for: .uploadEmergencyReport).map(\.propertyPath) == [
                "ticket_restaurant_quantity"
            ])
    }
}
