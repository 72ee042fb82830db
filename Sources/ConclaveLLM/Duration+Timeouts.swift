import NIOCore

extension Duration {
    /// The duration as NIO's `TimeAmount` (whole nanoseconds), for AsyncHTTPClient's timeouts.
    ///
    /// ```swift
    /// Duration.milliseconds(1500).timeAmount   // TimeAmount.nanoseconds(1_500_000_000)
    /// ```
    public var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

}
