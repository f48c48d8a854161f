import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 server on 127.0.0.1 for the simulators: it reads whole requests, asks an async handler what
/// to do, and can answer, cut an answer short or reset the connection. It can stop listening and listen again on
/// the same port, like a service that crashes and restarts.
///
/// All connections of one server share one event loop, so a client that closes a connection and opens another
/// is seen in that order, and `maximumConcurrentRequests` does not count a request whose client already left.
public final class LoopbackHTTPServer: Sendable {
    /// Decides what to do with one request. It runs as a task, cancelled if the client closes the connection.
    public typealias Handler = @Sendable (LoopbackHTTPRequest) async -> LoopbackHTTPAction

    /// The largest request body the server reads; a bigger one is answered 413 without calling the handler.
    public static let maximumBodyBytes = 16 << 20

    let core: HTTPServerCore

    /// A server that runs `handler` for every request; `eventLoop` carries the listener and all its connections.
    /// With `tls`, every connection is TLS (HTTPS); a context that verifies clients makes it mutual TLS, and each
    /// request then carries the client certificate's subject common name.
    public init(
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(), tls: NIOSSLContext? = nil,
        handler: @escaping Handler
    ) {
        core = HTTPServerCore(eventLoop: eventLoop, tls: tls, handler: handler)
    }

    /// The bound port, 0 before the first `start`; it stays the same across `stop` and `restart`.
    public var port: Int { core.state.withLockedValue { $0.port } }

    /// `http://127.0.0.1:PORT`, or `https://` when the server speaks TLS.
    public var baseURL: String { "\(core.tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Whether the server is listening now.
    public var isListening: Bool { core.state.withLockedValue { $0.listener != nil } }

    /// The requests handed to the handler and not answered yet.
    public var requestsInFlight: Int { core.state.withLockedValue { $0.inFlight } }

    /// The most requests ever in flight at once (from a whole request read to the start of its answer, or to the
    /// connection's close).
    public var maximumConcurrentRequests: Int { core.state.withLockedValue { $0.maximumInFlight } }

    /// Starts listening on 127.0.0.1; port 0 picks a free port (read it from `port` afterwards).
    public func start(port: Int = 0) async throws {
        try core.state.withLockedValue { state in
            guard !state.accepting else { throw LoopbackHTTPServerError("the server is already listening") }
            state.accepting = true
        }
        let core = self.core
        let bootstrap = ServerBootstrap(group: core.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                let connection = core.register(channel)
                channel.closeFuture.whenComplete { _ in core.unregister(connection) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls = core.tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPServerConnectionHandler(core: core, connection: connection))
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        } catch {
            core.state.withLockedValue { $0.accepting = false }
            throw LoopbackHTTPServerError("cannot listen on 127.0.0.1:\(port): \(error)")
        }
        core.state.withLockedValue { state in
            state.listener = listener
            state.port = listener.localAddress?.port ?? port
        }
    }

    /// Listens again on the port of the first `start`.
    public func restart() async throws {
        let port = self.port
        guard port != 0 else { throw LoopbackHTTPServerError("the server was never started, so it has no port") }
        try await start(port: port)
    }

    /// Stops listening (new connections are refused) and resets every open connection. Does nothing when stopped.
    public func stop() async {
        let listener = core.state.withLockedValue { state -> (any Channel)? in
            state.accepting = false
            defer { state.listener = nil }
            return state.listener
        }
        try? await listener?.close().get()
        let open = core.state.withLockedValue { Array($0.connections.values) }
        for channel in open {
            try? await Self.reset(channel).get()
        }
    }

    /// Stops the server for good; the shared event loop is not shut down, so nothing else is needed.
    public func shutdown() async {
        await stop()
    }

    /// Resets a connection: `SO_LINGER` {on, 0 s}, then close, so the kernel sends RST instead of FIN.
    static func reset(_ channel: any Channel) -> EventLoopFuture<Void> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.close() }
        return provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            .flatMapError { _ in channel.eventLoop.makeSucceededVoidFuture() }
            .flatMap { channel.close() }
    }
}

/// The state a server shares with its connection handlers.
final class HTTPServerCore: Sendable {
    struct State {
        var accepting = false
        var listener: (any Channel)?
        var port = 0
        var connections: [Int: any Channel] = [:]
        var lastConnection = 0
        var inFlight = 0
        var maximumInFlight = 0
    }

    let eventLoop: any EventLoop
    let tls: NIOSSLContext?
    let handler: LoopbackHTTPServer.Handler
    let state = NIOLockedValueBox(State())

    init(eventLoop: any EventLoop, tls: NIOSSLContext?, handler: @escaping LoopbackHTTPServer.Handler) {
        self.eventLoop = eventLoop
        self.tls = tls
        self.handler = handler
    }

    /// Numbers a new connection and keeps it for `stop`; one accepted while stopping is reset at once.
    func register(_ channel: any Channel) -> Int {
        let (number, accepting) = state.withLockedValue { state in
            state.lastConnection += 1
            if state.accepting { state.connections[state.lastConnection] = channel }
            return (state.lastConnection, state.accepting)
        }
        if !accepting { LoopbackHTTPServer.reset(channel).whenComplete { _ in } }
        return number
    }

    func unregister(_ connection: Int) {
        state.withLockedValue { _ = $0.connections.removeValue(forKey: connection) }
    }

    func requestBegan() {
        state.withLockedValue { state in
            state.inFlight += 1
            state.maximumInFlight = max(state.maximumInFlight, state.inFlight)
        }
    }

    func requestEnded() {
        state.withLockedValue { $0.inFlight -= 1 }
    }
}
