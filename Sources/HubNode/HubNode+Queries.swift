import Foundation
import HubProtocol
import ZeroMQ

// Replay and views: what a node asks the hub for, besides submitting.
extension HubNode {
    /// The log's head when the session opened (0 before it is open): how far a replay has to go.
    public var headAtWelcome: UInt64 { welcome?.headSequence ?? 0 }

    /// Asks the hub for stored envelopes matching `request` and returns them in order; `progress`
    /// hears the last sequence and the count received after each chunk.
    public func replay(
        _ request: ReplayRequest, progress: (@Sendable (_ lastSequence: UInt64, _ count: Int) -> Void)? = nil
    ) async throws -> [StoredEnvelope] {
        guard !closed else { throw NodeError.closed }
        var request = request
        if request.requestID.isEmpty { request.requestID = UUID().uuidString.lowercased() }
        request.inlineEnvelopes = true
        let id = request.requestID
        let frames = Message(WireCodec.encode(.replayRequest(request)))
        return try await withCheckedThrowingContinuation { continuation in
            replays[id] = PendingReplay(items: [], progress: progress, continuation: continuation)
            send(frames)
        }
    }

    /// Asks the hub for a view of the one state as this node may see it, every page, and returns
    /// the rows in one `View` (its `as_of_sequence` is the last page's). Throws as ``page(_:deadline:)``.
    /// A long listing is better read with ``page(_:deadline:)``, a page at a time, in bounded memory.
    public func view(_ request: ViewRequest, deadline: Duration = .seconds(30)) async throws -> View {
        var request = request
        var merged = View()
        repeat {
            let page = try await page(request, deadline: deadline)
            merged.kind = page.kind
            merged.total = page.total
            merged.asOfSequence = page.asOfSequence
            merged.requests += page.requests
            merged.cultivation += page.cultivation
            merged.cases += page.cases
            merged.audits += page.audits
            merged.meetings += page.meetings
            merged.actions += page.actions
            merged.creditChanges += page.creditChanges
            merged.reports += page.reports
            merged.certificates += page.certificates
            merged.incentives += page.incentives
            merged.activities += page.activities
            merged.plans += page.plans
            merged.units += page.units
            merged.enterprises += page.enterprises
            merged.breaches += page.breaches
            merged.services += page.services
            merged.windows += page.windows
            merged.priorityMatters += page.priorityMatters
            request.afterKey = page.nextKey
        } while !request.afterKey.isEmpty
        return merged
    }

    /// One page of a view, from `request.after_key` (the first page for an empty one); the next page
    /// starts at its `next_key`, and it is the last when that is empty. Throws
    /// ``NodeError/viewRefused(code:reason:)`` when the hub answers with an error code, and
    /// ``NodeError/viewTimedOut`` when the page does not come within `deadline` (asked again meanwhile).
    public func page(_ request: ViewRequest, deadline: Duration = .seconds(30)) async throws -> View {
        var request = request
        request.requestID = UUID().uuidString.lowercased()
        let page = try await viewPage(request, deadline: deadline)
        guard page.code == .unspecified else {
            throw NodeError.viewRefused(code: page.code.name, reason: page.reason)
        }
        return page
    }

    /// One page of a view; asked again after a reconnect (a new WELCOME) until answered or `deadline`.
    private func viewPage(_ request: ViewRequest, deadline: Duration) async throws -> View {
        guard !closed else { throw NodeError.closed }
        let id = request.requestID
        let frames = Message(WireCodec.encode(.viewRequest(request)))
        let timer = Task { [weak self] in
            try await Task.sleep(for: deadline)
            await self?.failView(id, with: NodeError.viewTimedOut)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            views[id] = PendingView(frames: frames, lastSent: nil, continuation: continuation)
            if welcome != nil { sendView(id) }
        }
    }

    private func failView(_ id: String, with error: NodeError) {
        views.removeValue(forKey: id)?.continuation.resume(throwing: error)
    }

    func sendView(_ id: String) {
        guard var view = views[id] else { return }
        view.lastSent = .now
        views[id] = view
        send(view.frames)
    }
}

extension HubNode {
    // MARK: The last handled sequence on disk

    static func stateFile(_ configuration: NodeConfiguration) -> URL? {
        configuration.stateDirectory.map {
            URL(fileURLWithPath: $0).appendingPathComponent("\(configuration.nodeID).last-handled")
        }
    }

    static func loadLastHandled(_ configuration: NodeConfiguration) -> UInt64 {
        guard let file = stateFile(configuration), let text = try? String(contentsOf: file, encoding: .utf8) else {
            return 0
        }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    static func storeLastHandled(_ sequence: UInt64, _ configuration: NodeConfiguration) {
        guard let file = stateFile(configuration) else { return }
        try? FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data("\(sequence)\n".utf8).write(to: file, options: .atomic)
    }
}
