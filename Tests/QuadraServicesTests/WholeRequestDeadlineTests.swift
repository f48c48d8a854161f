import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraSimulators
import Testing

@testable import QuadraServices

/// A peer that sends its answer's head at once and then one byte at a time never trips an idle timeout: only a
/// deadline on the whole exchange ends the call. Each server here would take 30 s to send its answer.
@Suite struct WholeRequestDeadlineTests {
    static let slowBody = String(repeating: " ", count: 300)

    @Test func aSpiceThatTricklesItsAnswerIsCutOff() async throws {
        let approved = #"{"transactionType":"PURCHASE","success":true,"amount":1000}"#
        let server = LoopbackHTTPServer { _ in
            .trickle(.json(200, Self.slowBody + approved), milliseconds: 100)
        }
        try await server.start()
        let http = SpiceHTTPClient.makeHTTPClient()
        let client = SpiceHTTPClient(http: http, posName: "Quadra", posVersion: "1.0", requestTimeoutSeconds: 1)
        let exchange = await client.ask(baseURL: server.baseURL, kind: .purchase, posRefId: "p-1")
        try await http.shutdown()
        await server.shutdown()
        #expect(exchange.answer == .retry(reason: "request timed out"))
        #expect(exchange.connectionFailed)
    }

    @Test func anAcubeThatTricklesItsAnswerIsCutOff() async throws {
        let server = LoopbackHTTPServer { _ in
            .trickle(.json(200, Self.slowBody + #"{"token":"t"}"#), milliseconds: 100)
        }
        try await server.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var settings = AcubeClientTests.settings(baseURL: server.baseURL)
        settings.requestTimeoutSeconds = 1
        let client = AcubeClient(
            http: http, settings: settings,
            credentials: AcubeCredentials(email: AcubeClientTests.email, password: AcubeClientTests.password),
            retryPolicy: AcubeClientTests.policy(retries: 0))
        do {
            try await client.authenticate()
            Issue.record("the login went through")
        } catch {
            #expect(error.message.contains("timed out"), "\(error.message)")
        }
        try await http.shutdown()
        await server.shutdown()
    }

    @Test func aSpiceAnswerTooBigToReadSaysSoInWords() async throws {
        let server = LoopbackHTTPServer { _ in .respond(.json(200, String(repeating: " ", count: 5 << 20) + "{}")) }
        try await server.start()
        let http = SpiceHTTPClient.makeHTTPClient()
        let client = SpiceHTTPClient(http: http, posName: "Quadra", posVersion: "1.0", requestTimeoutSeconds: 10)
        let exchange = await client.ask(baseURL: server.baseURL, kind: .purchase, posRefId: "p-1")
        try await http.shutdown()
        await server.shutdown()
        #expect(exchange.answer == .retry(reason: "the answer was larger than 4 MiB"))
    }
}
