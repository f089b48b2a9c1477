/// What the session manager refuses: a kind (the HTTP edge maps it to a status), a stable code and a sentence.
public struct RecorderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalid
        case notFound
        case conflict
        case atCapacity
        case insufficientStorage
        /// A dependency is down and the answer cannot be given.
        case unavailable
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

    public static func notFound(_ sessionId: String) -> RecorderError {
        RecorderError(.notFound, code: "session_not_found", "No session \(sessionId) exists.")
    }
}
