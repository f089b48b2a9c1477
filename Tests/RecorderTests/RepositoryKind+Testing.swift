import StreamdTestSupport
import Testing

extension RepositoryKind: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
