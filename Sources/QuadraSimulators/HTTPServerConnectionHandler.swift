import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One connection of a `LoopbackHTTPServer`: gathers a request, runs the server's handler as a task and carries
/// out its action on the event loop. NIO's pipelining handler in front holds back the next request on the
/// connection until this one is answered, so there is at most one request per connection here.
final class HTTPServerConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: HTTPServerCore
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// Set while the handler task of a request runs; the request counts as in flight.
    private var task: Task<Void, Never>?
    private var awaiting = false
    private var active = true

    init(core: HTTPServerCore, connection: Int) {
        self.core = core
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyTooLarge = false
        case .body(var buffer):
            guard !bodyTooLarge else { return }
            if body.count + buffer.readableBytes > LoopbackHTTPServer.maximumBodyBytes {
                bodyTooLarge = true
                body = []
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes
            }
        case .end:
            begin(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        if awaiting {
            awaiting = false
            core.requestEnded()
            task?.cancel()
            task = nil
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func begin(context: ChannelHandlerContext) {
        guard let head else { return }
        self.head = nil
        let keepAlive = head.isKeepAlive
        let version = head.version
        if bodyTooLarge {
            let response = LoopbackHTTPResponse.json(413, #"{"error":"request body too large"}"#)
            write(response, version: version, keepAlive: false, context: context)
            return
        }
        var request = LoopbackHTTPRequest(
            method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
            body: body, receivedAt: Date(), connection: connection)
        if core.tls != nil {
            request.isTLS = true
            // Only a certificate the handshake verified is here: the TLS context refuses the others.
            let peer = try? context.channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
                .peerCertificate
            request.clientCommonName = peer?.subjectName.last { $0.type == .commonName }?.value
        }
        body = []
        awaiting = true
        core.requestBegan()
        let promise = context.eventLoop.makePromise(of: LoopbackHTTPAction.self)
        let handler = core.handler
        task = Task { promise.succeed(await handler(request)) }
        promise.futureResult.assumeIsolated().whenSuccess { action in
            self.finish(action, version: version, keepAlive: keepAlive, context: context)
        }
    }

    private func finish(
        _ action: LoopbackHTTPAction, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        guard awaiting else { return }
        awaiting = false
        task = nil
        core.requestEnded()
        guard active else { return }
        switch action {
        case .respond(let response):
            write(response, version: version, keepAlive: keepAlive, context: context)
        case .truncate(let response):
            let head = responseHead(response, version: version, keepAlive: true)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let half = Array(response.body.prefix(response.body.count / 2))
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: half)))))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .reset:
            LoopbackHTTPServer.reset(context.channel).whenComplete { _ in }
        case .trickle(let response, let milliseconds):
            let head = responseHead(response, version: version, keepAlive: false)
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            trickle(response.body[...], every: .milliseconds(Int64(max(1, milliseconds))), context: context)
        }
    }

    /// Sends the first byte of `rest` now and the others one per `interval`, then ends and closes the connection;
    /// stops when the peer has gone.
    private func trickle(_ rest: ArraySlice<UInt8>, every interval: TimeAmount, context: ChannelHandlerContext) {
        guard active else { return }
        guard let byte = rest.first else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: [byte])))), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            self.trickle(rest.dropFirst(), every: interval, context: context)
        }
    }

    private func write(
        _ response: LoopbackHTTPResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        context.write(
            wrapOutboundOut(.head(responseHead(response, version: version, keepAlive: keepAlive))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func responseHead(_ response: LoopbackHTTPResponse, version: HTTPVersion, keepAlive: Bool)
        -> HTTPResponseHead
    {
        var headers = HTTPHeaders()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key })
        where !["content-length", "connection"].contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        if response.status >= 200, response.status != 204, response.status != 304 {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1, version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }
}
