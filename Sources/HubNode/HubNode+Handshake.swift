import HubProtocol
import ZeroMQ

extension HubNode {
    func failWelcomeWaiters(_ error: NodeError) {
        let waiters = helloWaiters
        helloWaiters.removeAll()
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// A refused handshake: no WELCOME will come on this connection, so whoever waits for one is
    /// told why at once.
    func handshakeFailed(_ event: SocketEvent) {
        let endpoint = currentEndpoint
        if event.event == .handshakeFailedAuth, event.value == 400 {
            failWelcomeWaiters(.keyRefused("the hub at \(endpoint) refused this node's key (ZAP status 400)"))
        } else if event.event == .handshakeFailedAuth {
            failWelcomeWaiters(
                .sessionRejected(code: "ZAP_\(event.value)", reason: "the hub at \(endpoint) could not check this key"))
        } else {
            failWelcomeWaiters(
                .keyRefused("the CURVE handshake with \(endpoint) failed; is the hub's public key right?"))
        }
    }
}
