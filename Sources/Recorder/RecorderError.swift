/// What the session manager refuses, with the HTTP status the contract gives each kind.
public struct RecorderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalid            // 422
        case notFound           // 404
        case conflict           // 409
        case atCapacity         // 503
        case insufficientStorage // 507
        case unavailable        // 503: a dependency is down and the answer cannot be given
    }

    public var kind: Kind
    /// snake_case, stable: clients branch on it.
    public var code: String
    /// A sentence a person can act on.
    public var message: String

    public init(_ kind: Kind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public var httpStatus: Int {
        switch kind {
        case .invalid: 422
        case .notFound: 404
        case .conflict: 409
        case .atCapacity, .unavailable: 503
        case .insufficientStorage: 507
        }
    }

    public static func notFound(_ sessionId: String) -> RecorderError {
        RecorderError(.notFound, code: "session_not_found", "No session \(sessionId) exists.")
    }
}
